"""bench/bench.py's ratios: every key the issues named stays, the protocol's are added, and each is
ours / baseline (the measurements themselves run in `npm run bench`, never in tests)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bench"))
import bench


def results():
    row = {"predict_p50_us": 80.0, "handler_p50_us": 20.0}
    return {
        "P1": {"seed": {"median_s": 1.0}, "ours": {k: {"median_s": 0.1} for k in ("onnx.s3", "onnx.image")}},
        "P2": {
            "handlers": {"onnx": {"single": row, "batch100": row}, "sklearn": {"single": row}},
            "protocol": {
                "single": {"predict_p50_us": 80.0, "onnx_p50_us": 8.0, "handler_p50_us": 36.0},
                "binary_10k": {"predict_p50_us": 300.0, "onnx_p50_us": 500.0, "handler_p50_us": 1300.0},
            },
            "seed_handler_p50_us": 200.0,
        },
        "P3": {"seed_bytes": 100, "ours_bytes": {"onnx": 40, "sklearn": 90}},
        "P5": {
            "rows": 100_000,
            "ours_s": 0.3,
            "bare_onnx_s": 0.01,
            "rows_per_s": 333_333.0,
            "memory_rows": 1_000_000,
            "memory_rows_s": 3.0,
            "peak_mb": {"100000": 64.0, "1000000": 64.0},
        },
    }


def test_every_named_ratio_is_there_and_is_ours_over_the_baseline():
    ratios = bench.ratios_of(results())
    assert set(ratios) >= {
        "P1.onnx.s3",
        "P1.fastest.image",
        "P2.onnx.single",
        "P2.onnx.vs_seed",
        "P3.onnx",
        "P2.oip.single",
        "P2.oip.binary_10k",
        "P2.oip.single.vs_onnx",
        "P2.oip.binary_10k.vs_onnx",
        "P5.batch.onnx",
        "P5.batch.onnx.memory_1m_vs_100k",
    }
    assert ratios["P5.batch.onnx"] == 30.0 and ratios["P5.batch.onnx.memory_1m_vs_100k"] == 1.0
    assert bench.GOALS["P5.batch.onnx"] == 3.0
    assert ratios["P2.oip.single"] == 0.45 and ratios["P2.oip.binary_10k.vs_onnx"] == 2.6
    assert bench.GOALS["P2.oip.single"] == 0.5 and bench.GOALS["P2.onnx.single"] == 0.3
