"""conversationEvents' index: each seat's events in time order, so a window is two binary searches and a
page is serialised alone (the finder scanned, filtered, sorted and serialised every event of the world
for each page of each window: quadratic in a poll)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from linkedin.sandbox.world import ConversationEvent


@dataclass(slots=True)
class _SeatEvents:
    # Sorted by (created_ms, id); `created` holds their created_ms for bisect.
    events: list[ConversationEvent] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    # The seat's events whose visibility their author changed (few).
    modified: list[ConversationEvent] = field(default_factory=list)


class EventIndex:
    """Built from the world's event list on first use; rebuilt after the list grows or is replaced,
    or after `changed()` (an event's visibility changed)."""

    def __init__(self) -> None:
        self._built_for: tuple[int, int] | None = None
        self._by_seat: dict[str, _SeatEvents] = {}

    def changed(self) -> None:
        """An event was modified in place: rebuild on next use."""
        self._built_for = None

    def window(
        self, events: list[ConversationEvent], seat: str, start: int, end: int
    ) -> list[ConversationEvent]:
        """The seat's events created in [start, end), or whose visibility changed in it, ordered by
        (created_ms, id)."""
        self._build(events)
        seat_events = self._by_seat.get(seat)
        if seat_events is None:
            return []
        low = bisect.bisect_left(seat_events.created, start)
        high = bisect.bisect_left(seat_events.created, end)
        found = seat_events.events[low:high]
        # An event changed in the window is returned again there (WIRE.md), wherever it was created.
        again = [
            e
            for e in seat_events.modified
            if e.modified_ms is not None and start <= e.modified_ms < end and not start <= e.created_ms < end
        ]
        if again:
            found = sorted([*found, *again], key=lambda e: (e.created_ms, e.id))
        return found

    def _build(self, events: list[ConversationEvent]) -> None:
        key = (id(events), len(events))
        if self._built_for == key:
            return
        by_seat: dict[str, _SeatEvents] = {}
        for event in sorted(events, key=lambda e: (e.created_ms, e.id)):
            seat_events = by_seat.setdefault(event.viewer, _SeatEvents())
            seat_events.events.append(event)
            seat_events.created.append(event.created_ms)
            if event.modified_ms is not None:
                seat_events.modified.append(event)
        self._by_seat = by_seat
        self._built_for = key
