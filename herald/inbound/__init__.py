"""Two-way messaging: replies, keywords and delivery receipts that come in over HTTP."""
