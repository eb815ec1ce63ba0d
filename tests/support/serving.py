"""Real `briefbot serve` processes for fault tests: a free loopback port, and waiting until one listens."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

BRIEFBOT = str(Path(sys.executable).parent / "briefbot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"briefbot serve exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("briefbot serve did not start")
