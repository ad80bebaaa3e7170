"""The machine a benchmark ran on, described the same way in every results file.

Absolute times describe one machine only, so each results file keeps this next to them.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def processor_name(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    """The processor's model name from ``/proc/cpuinfo`` (Linux), else what ``platform`` knows."""
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe(torch_threads: bool = True) -> dict:
    """Processor, cores, versions and, for benchmarks that time torch, its thread count.

    Args:
        torch_threads: Record ``torch.get_num_threads()`` as ``threads``; call this after
            setting it. Pass ``False`` for a benchmark that does not time torch.

    Returns:
        ``processor``, ``architecture``, ``cores`` (logical, ``os.cpu_count()``),
        ``threads`` (when asked for), ``torch``, ``python`` and ``platform``.
    """
    import torch

    machine = {
        "processor": processor_name(),
        "architecture": platform.machine(),
        "cores": os.cpu_count(),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if not torch_threads:
        del machine["threads"]
    return machine
