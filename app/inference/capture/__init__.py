"""Data capture: the writer in the function (writer.py), the spool both sides share (spool.py), and the
Lambda extension that delivers it to S3 (extension.py, delivery.py). Empty on purpose: the extension
imports this package with Python's -S, before anything heavy."""
