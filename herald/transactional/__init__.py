"""Transactional messages (send now, one result per recipient, idempotent by request id),
one-time passwords, and the client methods over the suppression list."""
