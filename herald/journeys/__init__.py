"""Journey logic that needs data: resolving waits, evaluating split conditions, updating
attributes, calling webhooks. Activities adapt these for the workflows."""
