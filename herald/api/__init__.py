"""The HTTP API (FastAPI): management endpoints now; webhooks and tracking join later."""
