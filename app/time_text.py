"""How times and dates read on screen: ``1:02:03`` for positions and durations, dates in the
listener's locale. Positions are milliseconds, durations seconds, as the names say."""

from __future__ import annotations

from datetime import UTC, datetime


def format_position_ms(position_ms: int | float | None) -> str:
    """``0:00`` style: ``m:ss`` under an hour, ``h:mm:ss`` from an hour on. ``None`` -> ``--:--``."""
    if position_ms is None or position_ms < 0:
        return "--:--"
    total_s = int(position_ms // 1000)
    hours, rest = divmod(total_s, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def format_duration_s(duration_s: float | None) -> str:
    """A duration in seconds as ``h:mm:ss``/``m:ss``; empty when unknown."""
    if duration_s is None or duration_s <= 0:
        return ""
    return format_position_ms(duration_s * 1000)


def format_date_s(timestamp_s: float | None) -> str:
    """A publication time (seconds since the epoch) as an ISO date, ``YYYY-MM-DD``."""
    if timestamp_s is None:
        return ""
    return datetime.fromtimestamp(timestamp_s, UTC).strftime("%Y-%m-%d")
