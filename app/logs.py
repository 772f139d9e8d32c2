"""Logging to a rotating file in the data dir; every unexpected error ends up there."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.paths import not_writable


def setup(log_file: Path, *, level: int = logging.INFO) -> None:
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        raise not_writable(log_file.parent, exc) from exc
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
