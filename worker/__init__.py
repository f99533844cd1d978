"""Builds Herald's Temporal worker: one function shared by production and tests."""

from worker.build import build_worker

__all__ = ["build_worker"]
