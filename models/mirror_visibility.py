"""Which mirrored InMails and prospect notes a reader may see, as a SQL condition joined into the very
statement that reads them (never a filter over rows already read).

An item's author is the ATS user behind the item's seat (the thread's seat for an InMail, inbound replies
included: the seat's recruiter chose the conversation's visibility; the owning seat for a note). A reader
sees PUBLIC items, their own items whatever their visibility, and PROJECT items as the customer's
`project_visibility` says:

* ORGANIZATION: like PUBLIC;
* AUTHOR_ONLY: like PRIVATE;
* JOB_ACL_GROUPS: when the reader shares an ACL group (`acl_group_user`) with the author. LinkedIn's
  Recruiter projects are not known to the ATS; the groups that secure its jobs are the closest thing it
  has to "the people working on the same hiring", so they stand in for the project's members.

The customer's setting is read inside the statement too, so a change applies to the next request in
every process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from models.acl_groups import AclGroupUser
from models.customers import Customer, ProjectVisibility
from models.mirror import LinkedInVisibility
from models.seats import Seat
from models.upsert import table_of


@dataclass(frozen=True, slots=True)
class Audience:
    """Who reads: everything (a customer's admin), or the items visible to one ATS user (`user_id`; None
    for a reader that is no person, such as an API key, who sees PUBLIC items only)."""

    user_id: int | None = None
    everything: bool = False


EVERYTHING = Audience(everything=True)


def audience_kind(audience: Audience) -> str:
    """Which shape of condition `visible_to` builds for `audience` (`everything`, `public` or `user`):
    statements built once per shape take the customer and user as bound parameters."""
    if audience.everything:
        return "everything"
    return "public" if audience.user_id is None else "user"


def visible_to(
    audience: Audience,
    customer_id: int | ColumnElement[Any],
    visibility: ColumnElement[LinkedInVisibility],
    seat_urn: ColumnElement[str],
    *,
    reader: ColumnElement[Any] | None = None,
) -> ColumnElement[bool]:
    """The condition under which the customer's item with this `visibility`, written from `seat_urn`,
    is shown to `audience` (both columns of the statement's own tables). `reader`, when given, stands
    for `audience.user_id` in the SQL (a bound parameter of a statement built once, see
    `audience_kind`)."""
    if audience.everything:
        return sa.true()
    public = visibility == LinkedInVisibility.PUBLIC
    if audience.user_id is None:
        return public
    user_id = audience.user_id if reader is None else reader
    seat = table_of(Seat)
    own_seats = sa.select(seat.c.seat_urn).where(seat.c.customer_id == customer_id, seat.c.user_id == user_id)
    rule = (
        sa.select(table_of(Customer).c.project_visibility)
        .where(table_of(Customer).c.id == customer_id)
        .scalar_subquery()
    )
    project = sa.and_(
        visibility == LinkedInVisibility.PROJECT,
        sa.or_(
            rule == ProjectVisibility.ORGANIZATION,
            sa.and_(
                rule == ProjectVisibility.JOB_ACL_GROUPS,
                _shares_a_group(customer_id, user_id, seat_urn),
            ),
        ),
    )
    return sa.or_(public, seat_urn.in_(own_seats), project)


# The aliases of `_shares_a_group`, built once (an alias computes its column collection on first use;
# anew per statement it cost more than the rest of the rule). The SQL is the same as with new ones.
_AUTHOR_SEAT = table_of(Seat).alias("author_seat")
_AUTHOR_GROUP = table_of(AclGroupUser).alias("author_group")
_READER_GROUP = table_of(AclGroupUser).alias("reader_group")


def _shares_a_group(
    customer_id: int | ColumnElement[Any], user_id: int | ColumnElement[Any], seat_urn: ColumnElement[str]
) -> ColumnElement[bool]:
    # The seat's user is in a group the reader is in (a seat mapped to no user is in none).
    seat, author, reader = _AUTHOR_SEAT, _AUTHOR_GROUP, _READER_GROUP
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(
            seat.join(
                author, (author.c.customer_id == seat.c.customer_id) & (author.c.user_id == seat.c.user_id)
            ).join(
                reader,
                (reader.c.customer_id == author.c.customer_id) & (reader.c.group_id == author.c.group_id),
            )
        )
        .where(seat.c.customer_id == customer_id, seat.c.seat_urn == seat_urn, reader.c.user_id == user_id)
        # Correlated to the item's table however deep the condition sits (auto-correlation reaches only
        # the enclosing statement, and would otherwise add the item's table to this FROM: any item).
        .correlate_except(seat, author, reader)
    )


__all__ = ["EVERYTHING", "Audience", "audience_kind", "visible_to"]
