"""conversationEvents' index answers what a scan of every event answered: the seat's window, in order."""

from __future__ import annotations

from linkedin.sandbox.event_index import EventIndex
from linkedin.sandbox.world import ConversationEvent


def event(event_id: str, seat: str, created_ms: int, modified_ms: int | None = None) -> ConversationEvent:
    """An InMail of `seat`."""
    return ConversationEvent(
        event_id,
        "urn:li:conversation:1",
        seat,
        seat,
        ["urn:li:person:1"],
        created_ms,
        "",
        "",
        modified_ms=modified_ms,
    )


def ids(found: list[ConversationEvent]) -> list[str]:
    return [e.id for e in found]


def test_a_window_holds_the_seats_events_created_in_it_in_time_order() -> None:
    events = [event("b", "s1", 20), event("a", "s1", 10), event("c", "s2", 15), event("d", "s1", 30)]
    index = EventIndex()
    assert ids(index.window(events, "s1", 10, 30)) == ["a", "b"]
    assert ids(index.window(events, "s2", 0, 100)) == ["c"]
    assert index.window(events, "s3", 0, 100) == []


def test_an_event_changed_later_shows_again_in_the_window_of_the_change() -> None:
    events = [event("a", "s1", 10), event("b", "s1", 50)]
    index = EventIndex()
    assert ids(index.window(events, "s1", 40, 60)) == ["b"]
    events[0].modified_ms = 45
    index.changed()
    assert ids(index.window(events, "s1", 40, 60)) == ["a", "b"]
    assert ids(index.window(events, "s1", 0, 20)) == ["a"]


def test_events_added_after_a_lookup_are_found() -> None:
    events = [event("a", "s1", 10)]
    index = EventIndex()
    assert ids(index.window(events, "s1", 0, 100)) == ["a"]
    events.append(event("b", "s1", 5))
    assert ids(index.window(events, "s1", 0, 100)) == ["b", "a"]
