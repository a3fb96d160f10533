"""What `npm start -- --serve` prints of the function's metric records (local/metrics_view.py): each record
the handler writes, as one readable line, and nothing for any other line."""

import metrics_view
from inference.metrics import Metrics


def record(status: int = 200, cold: bool = False) -> str:
    metrics = Metrics("LambdaInference", "inference-local", "$LATEST", "6e3839e72f7c")
    return metrics.record(request_id="r1", cold=cold, http=True, route="native", status=status, rows=3,
                          request_ms=0.81234, model_ms=0.1, error=None)  # fmt: skip


def test_a_record_is_one_readable_line():
    assert metrics_view.readable(record(cold=True)) == (
        "[metrics] LambdaInference FunctionName=inference-local ModelSha256=6e3839e72f7c Version=$LATEST: "
        "RequestLatency 0.812 ms  ModelLatency 0.1 ms  Rows 3  Status2xx 1  Status4xx 0  Status5xx 0  ColdStart 1"
    )


def test_other_lines_print_nothing():
    for line in ['{"level": "INFO", "message": "model loaded"}', "START RequestId: x", '{"_aws": 1', ""]:
        assert metrics_view.readable(line) is None


def test_the_tail_prints_each_new_record_once():
    log = ['{"message": "model loaded"}']
    printed: list[str] = []
    tail = metrics_view.MetricsTail(lambda: "\n".join(log), printed.append)
    tail.seen = len(log)
    log += [record(), "END RequestId: r1", record(status=404)]
    tail.poll()
    tail.poll()
    assert [p.split(": ", 1)[1].split("  ")[3:6] for p in printed] == [
        ["Status2xx 1", "Status4xx 0", "Status5xx 0"],
        ["Status2xx 0", "Status4xx 1", "Status5xx 0"],
    ]
