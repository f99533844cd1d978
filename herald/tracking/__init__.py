"""Click and open tracking: signed redirect links, the open pixel, one-click unsubscribe."""
