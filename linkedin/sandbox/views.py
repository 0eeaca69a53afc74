"""JSON views of world objects, exactly as WIRE.md shapes them."""

from __future__ import annotations

from typing import Any

from linkedin.sandbox.world import ConversationEvent, MailStub, Member, ProspectNote, Seat, World

Json = dict[str, Any]


def seat_json(seat: Seat, contract: str) -> Json:
    """A seatsV2 element."""
    return {
        "id": seat.id,
        "contract": contract,
        "seatholder": seat.seatholder,
        "active": seat.active,
        "firstName": seat.first_name,
        "lastName": seat.last_name,
    }


def visibility_json(visibility: str, project: str | None) -> Json:
    """The visibility fields of an InMail or note (WIRE.md: `project` only when PROJECT)."""
    return {"visibility": visibility, **({"project": project} if visibility == "PROJECT" else {})}


def event_json(event: ConversationEvent) -> Json:
    """A conversationEvents element."""
    return {
        "id": event.id,
        "conversation": event.conversation,
        "viewer": event.viewer,
        "author": event.author,
        "recipients": list(event.recipients),
        "created": {"time": event.created_ms},
        "subject": event.subject,
        "body": event.body,
        **visibility_json(event.visibility, event.project),
    }


def note_json(note: ProspectNote, contract: str) -> Json:
    """A prospectNotes element."""
    return {
        "id": note.id,
        "contract": contract,
        "owner": note.owner,
        "member": note.member,
        "note": note.note,
        "active": note.active,
        "created": {"time": note.created_ms},
        "lastModified": {"time": note.last_modified_ms},
        **visibility_json(note.visibility, note.project),
    }


def profile_json(member: Member) -> Json:
    """The stub-profile fields of a member (shared by mail stubs and exports)."""
    return {
        "member": member.urn,
        "firstName": member.first_name,
        "lastName": member.last_name,
        "emailAddress": member.email,
        "phoneNumber": member.phone,
        "title": member.title,
        "city": member.city,
        "profileUrl": member.profile_url,
    }


def stub_json(stub: MailStub, world: World, contract: str) -> Json:
    """A mailStubs element."""
    member = world.member(stub.member)
    profile = profile_json(member) if member else {"member": stub.member}
    return {
        "id": stub.id,
        "contract": contract,
        "owner": stub.owner,
        **profile,
        "created": {"time": stub.created_ms},
    }


def member_json(member: Member) -> Json:
    """The admin view of a member (what the ATS demo seeder needs)."""
    return {"urn": member.urn, "slug": member.slug, **profile_json(member)}
