"""What the environment gives the model to run on: its vCPUs and how many processes share them.

On Lambda (default) an environment runs one process and gets CPU in proportion to its memory, a full
vCPU at 1,769 MB and up to six. On Lambda Managed Instances, Lambda sets AWS_LAMBDA_MAX_CONCURRENCY
and the Python runtime starts that many processes, one per concurrent request, on the environment's
own vCPUs and memory. ONNX Runtime's threads are the vCPUs a process can count on, at least one: more
threads than that only switch.
"""

import math
import os
from typing import NamedTuple

from .contract import LAMBDA_ENV
from .types import Env

MB_PER_VCPU = 1769
MAX_VCPUS = 6
# Set by Lambda: the function's memory, and (on managed instances only) the processes per environment.
MEMORY_ENV, MAX_CONCURRENCY_ENV = LAMBDA_ENV.memory_size, LAMBDA_ENV.max_concurrency


class Compute(NamedTuple):
    vcpus: float
    processes: int
    memory_mb: int | None

    @staticmethod
    def from_env(env: Env, cpu_count: int | None = None) -> "Compute":
        memory = _int(env.get(MEMORY_ENV))
        processes = _int(env.get(MAX_CONCURRENCY_ENV)) or 1
        if processes > 1:
            # Managed instances: the environment's vCPUs, shared by its processes.
            vcpus = float(cpu_count if cpu_count is not None else len(os.sched_getaffinity(0)))
        elif memory is not None:
            vcpus = min(memory / MB_PER_VCPU, MAX_VCPUS)
        else:
            vcpus = 1.0
        return Compute(vcpus, processes, memory)

    @property
    def threads(self) -> int:
        """ONNX Runtime's intra-op threads for one process."""
        return max(1, math.floor(self.vcpus / self.processes))

    def memory_warning(self, model_bytes: int) -> str | None:
        """A warning when every process holding its own copy of the model would not fit the memory."""
        if self.memory_mb is None or self.processes < 2:
            return None
        needed_mb = model_bytes * self.processes / 1024 / 1024
        if needed_mb <= self.memory_mb:
            return None
        return (
            f"{self.processes} processes each load the {model_bytes / 1024 / 1024:.0f} MB model: "
            f"{needed_mb:.0f} MB, more than the {self.memory_mb} MB of memory; lower maxConcurrencyPerEnvironment "
            "or raise memoryGiBPerVcpu"
        )


def _int(raw: str | None) -> int | None:
    try:
        value = int(raw) if raw else None
    except ValueError:
        return None
    return value if value and value > 0 else None
