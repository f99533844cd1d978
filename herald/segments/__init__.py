"""Segment evaluation: who is in a segment, a page at a time."""

from herald.segments.membership import page_members

__all__ = ["page_members"]
