"""Thin QObject adapters: core hooks in, queued Qt signals out."""
