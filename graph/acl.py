"""Secured groups (LinkedIn's ACLs) in GraphQL: `aclGroups`, `createAclGroup`, `setAclGroupUsers`,
`setJobAclGroups`; admin-only (graph/permissions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from graph.context import Info
from graph.errors import UserError
from graph.ids import int_ids
from graph.job import Job
from graph.mutations.common import USER_ERRORS, decode_id, node_id, user_errors
from graph.pagination import AfterArg, Connection, FirstArg, build_connection, page_window
from graph.user import User
from models.base import MAX_ROW_ID
from resolvers import acls
from resolvers.errors import DomainError, NotFound

# A user's global ID may name it as a Recruiter or as a User.
_USER_TYPES = frozenset({"Recruiter", "User"})


@strawberry.type(
    description="A secured group (LinkedIn's ACL): its jobs are visible only to its users and to admins, "
    "in the API and on LinkedIn (export drop-down, In-ATS). A user is in at most 10 groups."
)
class AclGroup(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The group's name, unique within the customer.")
    created_at: datetime = strawberry.field(description="When the group was created.")
    users: list[User] = strawberry.field(description="The group's users, by name.")
    jobs: list[Job] = strawberry.field(description="The jobs the group secures, newest first.")

    @classmethod
    def from_view(cls, view: acls.GroupView) -> AclGroup:
        """The GraphQL view of a group with its users and jobs."""
        assert view.group.id is not None
        return cls(
            id=view.group.id,
            name=view.group.name,
            created_at=view.group.created_at,
            users=[User.from_row(u) for u in view.users],
            jobs=[Job.from_row(j) for j in view.jobs],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False, **kwargs: Any
    ) -> list[AclGroup | None]:
        out: list[AclGroup | None] = []
        for group_id in int_ids(node_ids):
            try:
                view = await acls.group_view(info.context.services.sessions, info.context.tenant.id, group_id)
            except NotFound:
                out.append(None)
            else:
                out.append(cls.from_view(view))
        return out


@strawberry.input(description="A new secured group.")
class CreateAclGroupInput:
    name: str = strawberry.field(description="Its name (1 to 100 characters), unique within the customer.")


@strawberry.type(description="The result of `createAclGroup`.")
class CreateAclGroupPayload:
    group: AclGroup | None = strawberry.field(description="The new group; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="A group's users, replacing the ones it has.")
class SetAclGroupUsersInput:
    group_id: strawberry.ID = strawberry.field(description="The group's global ID.")
    user_ids: list[strawberry.ID] = strawberry.field(
        description="Every user the group is to have (global IDs); an empty list empties it."
    )


@strawberry.type(description="The result of `setAclGroupUsers`.")
class SetAclGroupUsersPayload:
    group: AclGroup | None = strawberry.field(description="The group with its users; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The groups that secure a job, replacing the ones it has.")
class SetJobAclGroupsInput:
    job_id: strawberry.ID = strawberry.field(description="The job's global ID.")
    group_ids: list[strawberry.ID] = strawberry.field(
        description="Every group to secure the job (global IDs); an empty list makes it unsecured."
    )


@strawberry.type(description="The result of `setJobAclGroups`.")
class SetJobAclGroupsPayload:
    job: Job | None = strawberry.field(description="The job; null on failure.")
    groups: list[AclGroup] = strawberry.field(description="The groups that now secure the job.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _user_id(value: str) -> int:
    found_type, row_id = decode_id(value, "userIds")
    if found_type not in _USER_TYPES or row_id > MAX_ROW_ID:
        raise NotFound(f"No user has the id {value!r}", field="userIds")
    return row_id


@strawberry.type
class AclQuery:
    @strawberry.field(description="The customer's secured groups (ACLs), by name.")
    async def acl_groups(
        self, info: Info, first: FirstArg = None, after: AfterArg = None
    ) -> Connection[AclGroup]:
        services = info.context.services
        window = page_window(first, after, max_page_size=services.config.max_page_size)
        views, total = await acls.groups_page(
            services.sessions, info.context.tenant.id, offset=window.offset, limit=window.limit
        )
        nodes = [AclGroup.from_view(v) for v in views]
        return build_connection(Connection[AclGroup], nodes, window=window, total=total)


@strawberry.type
class AclMutation:
    @strawberry.mutation(description="Create a secured group; a name already used is a CONFLICT.")
    async def create_acl_group(self, info: Info, input: CreateAclGroupInput) -> CreateAclGroupPayload:
        sessions, customer_id = info.context.services.sessions, info.context.tenant.id
        try:
            row = await acls.create_group(sessions, customer_id, input.name)
        except DomainError as error:
            return CreateAclGroupPayload(group=None, user_errors=user_errors(error))
        assert row.id is not None
        return CreateAclGroupPayload(group=AclGroup.from_view(acls.GroupView(row, [], [])), user_errors=[])

    @strawberry.mutation(
        description="Replace a group's users. Refused, naming the user, when one would be in more than "
        "10 groups (LinkedIn's limit); unknown or another customer's ids are NOT_FOUND. LinkedIn's "
        "assignees follow through the outbox: a user removed no longer sees the group's jobs there."
    )
    async def set_acl_group_users(self, info: Info, input: SetAclGroupUsersInput) -> SetAclGroupUsersPayload:
        sessions, customer_id = info.context.services.sessions, info.context.tenant.id
        try:
            group_id = node_id(input.group_id, "AclGroup", "groupId")
            user_ids = [_user_id(value) for value in input.user_ids]
            await acls.set_group_users(sessions, customer_id, group_id, user_ids)
            view = await acls.group_view(sessions, customer_id, group_id)
        except DomainError as error:
            return SetAclGroupUsersPayload(group=None, user_errors=user_errors(error))
        return SetAclGroupUsersPayload(group=AclGroup.from_view(view), user_errors=[])

    @strawberry.mutation(
        description="Replace the groups that secure a job (none: the job is visible to every user). "
        "LinkedIn's ACLs for the job follow through the outbox."
    )
    async def set_job_acl_groups(self, info: Info, input: SetJobAclGroupsInput) -> SetJobAclGroupsPayload:
        sessions, customer_id = info.context.services.sessions, info.context.tenant.id
        try:
            job_id = node_id(input.job_id, "Job", "jobId")
            group_ids = [node_id(value, "AclGroup", "groupIds") for value in input.group_ids]
            await acls.set_job_groups(sessions, customer_id, job_id, group_ids, sight=info.context.job_sight)
            groups = [await acls.group_view(sessions, customer_id, g) for g in sorted(set(group_ids))]
            job = await info.context.loaders.job_by_id.load(job_id)
        except DomainError as error:
            return SetJobAclGroupsPayload(job=None, groups=[], user_errors=user_errors(error))
        return SetJobAclGroupsPayload(
            job=Job.from_row(job) if job is not None else None,
            groups=[AclGroup.from_view(v) for v in groups],
            user_errors=[],
        )
