"""Fixtures of the local tools' tests (npm start and its parts, the image suite), from what the app's
tests share (app/tests/support.py, on pytest's path)."""

from support import app, context, endpoint, runtime  # noqa: F401 - registered as fixtures
