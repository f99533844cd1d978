"""Loopback stand-ins for provider APIs. Each checks what the real service checks (auth,
signatures, body shape), answers in the real service's format, and records what it took.
A test scripts a failure by queueing a response in `fail_next`."""
