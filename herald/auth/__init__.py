"""API keys: stored hashed, with a read or write scope."""
