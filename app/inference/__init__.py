"""The inference function: what the image puts in /var/task/inference, run by Lambda as
`inference.handler.lambda_handler` (the image's CMD).

Importing the package records when init began, before any module of it is imported: the
"model loaded" log line reports init from here (imports, download, checksum, load).
"""

import time

INIT_STARTED = time.perf_counter()
