"""Segment evaluation: a segment compiled to one SQL query; counts and keyset pages."""

from herald.segments.compiler import CompileContext, membership, reachable
from herald.segments.errors import SegmentError
from herald.segments.membership import (
    count_members,
    count_users,
    is_member,
    is_user_member,
    page_candidates,
    page_members,
    page_users,
)
from herald.segments.resolve import reference_problems, resolve

__all__ = [
    "CompileContext",
    "SegmentError",
    "count_members",
    "count_users",
    "is_member",
    "is_user_member",
    "membership",
    "page_candidates",
    "page_members",
    "page_users",
    "reachable",
    "reference_problems",
    "resolve",
]
