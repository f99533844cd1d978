"""Herald: a self-hosted customer-engagement engine on Temporal.

This package is the domain. It never imports `workflows`, `activities` or `worker`, and
importing it has no side effects, so workflows can pass it through Temporal's sandbox.
"""

__version__ = "0.1.0"
