"""Placeholder replaced below."""

SECTIONS: list = []
__all__ = ["SECTIONS"]
