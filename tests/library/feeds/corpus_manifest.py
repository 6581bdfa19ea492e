"""The shared corpus' MANIFEST.csv, read once for the feed tests."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CORPUS = (Path(__file__).resolve().parents[4] / "shared" / "corpus").resolve()


@cache
def manifest_rows() -> tuple[dict[str, str], ...]:
    """Every row of MANIFEST.csv (empty when the corpus is absent; the ``corpus`` fixture then fails)."""
    manifest = CORPUS / "MANIFEST.csv"
    if not manifest.exists():
        return ()
    with manifest.open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def feed_rows() -> list[dict[str, str]]:
    return [row for row in manifest_rows() if row["category"] == "feeds"]
