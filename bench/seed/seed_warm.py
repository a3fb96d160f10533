"""The seed handler warm, in the seed's own venv: p50 of one-row invokes, as JSON.

python seed_warm.py ITERATIONS   (MODEL_PATH set; run by bench/measure.py)
"""

import json
import sys
import time

import seed_handler

event = {"features": [5.1, 3.5, 1.4, 0.2]}
iterations = int(sys.argv[1])
for _ in range(200):
    seed_handler.lambda_handler(event, None)
samples = []
for _ in range(iterations):
    t = time.perf_counter()
    seed_handler.lambda_handler(event, None)
    samples.append(time.perf_counter() - t)
print(json.dumps({"p50_us": sorted(samples)[len(samples) // 2] * 1e6}))
