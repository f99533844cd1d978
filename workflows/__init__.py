"""Temporal workflows: deterministic interpreters over Herald's models. No I/O here.

The list the worker registers is in workflows.registry; this file stays empty because the
sandbox runs it again for every new workflow run.
"""
