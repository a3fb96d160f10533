"""What a process counts on (inference/compute.py): ONNX Runtime's threads from the vCPUs and the
processes sharing them, and the warning when every process's copy of the model would not fit."""

import json

import pytest
from support import DEMO_ONNX, DEMO_SHA256

from inference.app import build
from inference.compute import Compute
from inference.runtimes import onnx as runtime_onnx


@pytest.mark.parametrize(
    ("env", "cpus", "vcpus", "processes", "threads"),
    [
        ({}, 8, 1.0, 1, 1),  # no memory setting: one thread
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}, 8, 1024 / 1769, 1, 1),
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3538"}, 8, 2.0, 1, 2),
        # 10,240 MB shows six vCPUs, with the CPU time of 5.8 of them: five threads.
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "10240"}, 8, 10240 / 1769, 1, 5),
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "8192", "AWS_LAMBDA_MAX_CONCURRENCY": "16"}, 4, 4.0, 16, 1),
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "8192", "AWS_LAMBDA_MAX_CONCURRENCY": "2"}, 4, 4.0, 2, 2),
        ({"AWS_LAMBDA_MAX_CONCURRENCY": "x"}, 4, 1.0, 1, 1),
    ],
)
def test_threads_follow_the_vcpus_and_the_processes(env, cpus, vcpus, processes, threads):
    compute = Compute.from_env(env, cpu_count=cpus)
    assert (round(compute.vcpus, 3), compute.processes, compute.threads) == (round(vcpus, 3), processes, threads)


def test_the_session_gets_those_threads():
    threads = Compute.from_env({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "3538"}).threads
    model = runtime_onnx.load(DEMO_ONNX, "demo", threads=threads)
    assert model.session.get_session_options().intra_op_num_threads == 2
    assert runtime_onnx.load(DEMO_ONNX, "demo").session.get_session_options().intra_op_num_threads == 1


def test_memory_warning_when_every_process_holding_the_model_would_not_fit():
    compute = Compute(vcpus=2, processes=16, memory_mb=4096)
    assert compute.memory_warning(100 * 1024 * 1024) is None
    assert compute.memory_warning(300 * 1024 * 1024) == (
        "16 processes each load the 300 MB model: 4800 MB, more than the 4096 MB of memory; lower "
        "maxConcurrencyPerEnvironment or raise memoryGiBPerVcpu"
    )
    assert Compute(vcpus=1, processes=1, memory_mb=128).memory_warning(10**9) is None


def test_init_logs_the_warning_and_the_threads(capsys):
    env = {
        "MODEL_PATH": DEMO_ONNX,
        "MODEL_SHA256": DEMO_SHA256["onnx"],
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048",
        "AWS_LAMBDA_MAX_CONCURRENCY": "2000000",
    }
    build(env)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    warning = next(line for line in lines if line["message"] == "model memory above the function's")
    assert warning["level"] == "WARN" and warning["processes"] == 2000000
    loaded = next(line for line in lines if line["message"] == "model loaded")
    assert (loaded["processes"], loaded["threads"]) == (2000000, 1)
