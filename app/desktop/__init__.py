"""Desktop integration: keyboard shortcuts (and, on Linux, MPRIS)."""
