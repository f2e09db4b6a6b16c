"""Cursor pagination: stable pages however rows are added meanwhile, and a
fixed number of queries per page whatever the table holds."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Views may offer other orderings (``ordering_fields``); each ends on the
    # primary key so that a cursor position is never ambiguous.
    ordering = ("id",)
