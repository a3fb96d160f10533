"""What the local run (local_lambda.py) and the Docker toolchain (toolchain.py) both do with processes:
pick a free loopback port, and stop a process started in its own session, with everything it spawned."""

import os
import signal
import socket
import subprocess


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def stop_session(proc: "subprocess.Popen[bytes]", grace: float) -> None:
    """SIGTERM to the process's session (it was started with start_new_session=True), SIGKILL after `grace` s."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=grace)
