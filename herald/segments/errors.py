"""Problems evaluating a segment that the user can fix: what is wrong and where."""

from __future__ import annotations


class SegmentError(LookupError):
    """A segment refers to one that does not exist, or segments refer to each other in a loop.

    A LookupError, so the client, CLI and API report it as "not found" with this message.
    """
