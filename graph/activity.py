"""`Subscription.candidateActivity`: live updates of one candidate's tabs (resolvers/activity_feed.py).

The subscription is checked once, when it starts, exactly as `candidate(id)` is: a malformed id is
BAD_USER_INPUT, another customer's or an unknown candidate NOT_FOUND, both sent as the protocol's
`error` message before anything is followed. Each event is then read as the subscriber's viewer, with
loaders of its own (a connection's loaders would cache the candidate of the first event for ever); an
event about InMails or prospect notes reaches only a subscriber who may see one of them.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import datetime
from typing import Annotated

import strawberry

from graph.candidate import Candidate
from graph.context import Info
from graph.errors import ClientError, NotFoundError, SignedOutError
from graph.ids import decode_node_id
from graph.loaders import Loaders
from resolvers.activity_feed import ActivityEvent, ActivityKind, Listener
from resolvers.viewer import NotSignedIn

# Candidates one connection may follow at once (a page follows one; each costs a queue and a task).
MAX_FOLLOWED = 50


@strawberry.enum(description="What was stored for the candidate.")
class CandidateActivityKind(enum.Enum):
    INMAIL = strawberry.enum_value(
        "INMAIL",
        description="New InMails with the candidate's LinkedIn member (from a poll or a refresh): read "
        "`inmailThreads` again.",
    )
    NOTE = strawberry.enum_value(
        "NOTE",
        description="A LinkedIn prospect note on the member was added, edited or deleted (a poll or a "
        "refresh), or an ATS note was written: read `linkedinNotes` and `notes` again.",
    )
    MATCH = strawberry.enum_value(
        "MATCH",
        description="The candidate's LinkedIn member link or LinkedIn's details of it changed (a manual "
        "link, a One-Click Export, a mail stub that shared contact details): read `linkedinProfile` and "
        "the candidate's fields again.",
    )
    APPLICATION = strawberry.enum_value(
        "APPLICATION",
        description="An application of the candidate was made or moved to another stage (in the ATS or "
        "by a One-Click Export): read `applications` again.",
    )


@strawberry.type(description="Something new was stored for a candidate; read what changed through it.")
class CandidateActivity:
    candidate: Candidate = strawberry.field(description="The candidate, as the subscriber sees it now.")
    kind: CandidateActivityKind = strawberry.field(description="What was stored.")
    at: datetime = strawberry.field(description="When it was stored in the ATS.")


async def _still_signed_in(info: Info) -> None:
    """Refuse to go on once the connection's credential expired or was revoked (an API key revoked
    stops everywhere at once, its subscriptions too); the subscription then ends with UNAUTHENTICATED."""
    sign_in_again = info.context.sign_in_again
    if sign_in_again is None:
        return
    try:
        await sign_in_again()
    except NotSignedIn:
        raise SignedOutError(
            "The credential this connection signed in with is no longer accepted: sign in again."
        ) from None


async def _sees_any(loaders: Loaders, event: ActivityEvent) -> bool:
    """Whether the viewer of `loaders` may see one of the rows the event names (the node loaders apply
    the lists' visibility); an event naming none is about the candidate as a whole."""
    if event.items is None:
        return True
    if event.kind is ActivityKind.INMAIL:
        return any(row is not None for row in await loaders.inmail_message_by_id.load_many(event.items))
    if event.kind is ActivityKind.NOTE:
        return any(row is not None for row in await loaders.linkedin_note_by_id.load_many(event.items))
    return True


async def _events(info: Info, listener: Listener) -> AsyncGenerator[CandidateActivity, None]:
    context = info.context
    try:
        async for event in listener:
            await _still_signed_in(info)
            # Fresh loaders per event: the candidate and its tabs are read as they are now.
            context.loaders = Loaders.create(context.services, context.viewer)
            row = await context.loaders.candidate_by_id.load(event.candidate_id)
            if row is None:
                # Deleted (or merged away) since: nothing more will come for it.
                return
            if not await _sees_any(context.loaders, event):
                # A private InMail or note of another recruiter: not even its existence is told.
                continue
            yield CandidateActivity(
                candidate=Candidate.from_row(row),
                kind=CandidateActivityKind(ActivityKind(event.kind).value),
                at=event.at,
            )
    finally:
        listener.close()
        context.followed -= 1


@strawberry.type
class ActivitySubscription:
    @strawberry.subscription(
        description="Live updates of one candidate (graphql-transport-ws on `/graphql`, signed in with the "
        '`connection_init` payload `{"Authorization": "Bearer …"}`): an event whenever a poll, a refresh, '
        "an export, a member link or an ATS write stores something new for the candidate. Another "
        "customer's or an unknown candidate is a NOT_FOUND error, as for `candidate(id)`."
    )
    async def candidate_activity(
        self,
        info: Info,
        candidate_id: Annotated[strawberry.ID, strawberry.argument(description="The candidate's global ID.")],
    ) -> AsyncIterator[CandidateActivity]:
        # A coroutine that returns the stream (not an async generator itself), so that a refusal is
        # raised while the subscription is set up: the client gets an `error` message, not a `next`.
        row_id = decode_node_id(candidate_id, "Candidate", argument="candidateId")
        tenant = info.context.tenant
        row = await info.context.loaders.candidate_by_id.load(row_id)
        if row is None:
            raise NotFoundError(f"No Candidate has the ID {candidate_id!r}", argument="candidateId")
        if info.context.followed >= MAX_FOLLOWED:
            raise ClientError(
                f"A connection follows at most {MAX_FOLLOWED} candidates at once: complete one first",
                argument="candidateId",
            )
        info.context.followed += 1
        listener = info.context.services.activity.listen(tenant.id, row_id)
        return _events(info, listener)
