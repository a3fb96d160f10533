"""Fixtures of the app's tests. The handler loads its model at import, as Lambda's init does, so the demo
model (the ONNX one, as deployed by default) is configured through the environment first (support.py,
which also holds what these tests share with the local tools' and the bench's). Contract tests run on
both runtimes."""

from support import app, context, demo_metadata, endpoint, runtime  # noqa: F401 - registered as fixtures
