"""How the GUI process tunes the Python interpreter so the window stays smooth while Python work
runs on other threads (refreshing feeds, reading the library for the recommender).

Two costs land on the GUI thread otherwise:

- **The GIL hand-over.** A busy worker thread keeps the GIL for up to the switch interval (5 ms by
  default) each time the GUI thread asks for it, and painting a frame crosses from Qt into Python
  many times (every visible row, every slot), so one frame could wait hundreds of milliseconds.
  A 1 ms interval bounds each wait; the cost is a little more switching in the workers.
- **Full garbage collections.** A full pass scans every container object, and a big library keeps
  hundreds of thousands alive for the whole run (its rows, Qt wrappers); whichever thread triggers
  a pass, the GUI waits for it. Once start-up has settled, those objects are moved out of the
  collector's view (:func:`gc.freeze`); they are still freed by reference counting when replaced.

Measured by ``python -m benchmarks.indexing`` (the window scrolling a 100k-episode list while the
recommender reads and embeds the library): the worst frame gap fell from 270-350 ms to 55-95 ms.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
"""The GIL switch interval for the GUI process (CPython's default is 0.005 s)."""

SETTLE_DELAY_MS = 3_000
"""After start-up, long-lived objects are frozen out of the collector this long after the window
is shown (the library's rows are loaded by then)."""


def prefer_responsiveness() -> None:
    """Make the GUI thread wait at most :data:`SWITCH_INTERVAL_S` for the GIL."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def settle_long_lived_objects() -> None:
    """Collect once, then keep everything alive now out of later full collections."""
    gc.collect()
    gc.freeze()
