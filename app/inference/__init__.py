"""The inference function: what the image puts in /var/task/inference, run by Lambda as
`inference.handler.lambda_handler` (the image's CMD).

Importing the package records when init began, before any module of it is imported: the
"model loaded" log line reports init from here (imports, download, checksum, load).

It also turns off ONNX Runtime's telemetry before anything can load ONNX Runtime. Its Linux wheels
(1.32 among them) record a device id, the machine and the sessions under $HOME/.cache and send them to
Microsoft's collector; ORT_DISABLE_TELEMETRY=1, read once when onnxruntime is imported, turns all of it
off. The image sets it too (app/Dockerfile); an environment that sets it itself is left as it is.
"""

import os
import time

INIT_STARTED = time.perf_counter()
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
