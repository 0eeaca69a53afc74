"""Splitting a poll's time span into the ≤ 12 h windows LinkedIn answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MAX_WINDOW = timedelta(hours=12)


def to_ms_precision(moment: datetime) -> datetime:
    """`moment` in UTC, truncated to the millisecond (LinkedIn's time unit), so windows meet exactly."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def windows(
    since: datetime, until: datetime, size: timedelta = MAX_WINDOW
) -> list[tuple[datetime, datetime]]:
    """Consecutive half-open windows [start, end) covering [since, until), none longer than `size`."""
    out: list[tuple[datetime, datetime]] = []
    start = since
    while start < until:
        end = min(start + size, until)
        out.append((start, end))
        start = end
    return out


def windows_back(
    until: datetime, since: datetime, limit: int, size: timedelta = MAX_WINDOW
) -> list[tuple[datetime, datetime]]:
    """Up to `limit` consecutive half-open windows [start, end) covering [since, until) from its end
    backwards, newest first, none longer than `size` (the last may be short, ending at `since`)."""
    out: list[tuple[datetime, datetime]] = []
    end = until
    while end > since and len(out) < limit:
        start = max(end - size, since)
        out.append((start, end))
        end = start
    return out
