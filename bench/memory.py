"""Peak memory of this process.

`getrusage().ru_maxrss` survives `fork` + `exec` on Linux: a child started by a large parent
reports the parent's peak. `VmHWM` in /proc/self/status belongs to the new program alone.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
