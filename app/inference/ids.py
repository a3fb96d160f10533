"""Ids the app makes itself: for a request that came without one, a capture record, a spool file."""

import os


def random_id() -> str:
    """A UUID-shaped random id (uuid's import costs init 5 ms)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
