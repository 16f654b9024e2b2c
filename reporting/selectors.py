"""Aggregate figures. One function per figure, shared by pages, API and PDF reports."""

from returnees.selectors import status_counts

__all__ = ["status_counts"]
