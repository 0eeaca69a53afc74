"""Admins' mutations on their customer's users: create one, change its names or person URN, set its
roles (never operator; never the customer's last admin away)."""

from __future__ import annotations

import strawberry

from graph.context import Info
from graph.customer import RoleValue
from graph.errors import UserError
from graph.mutations.common import USER_ERRORS, given_fields, node_id, user_errors
from graph.user import User
from resolvers import users
from resolvers.errors import DomainError

_ROLES = "The roles: admin, recruiter or integration (an admin never grants operator)."


@strawberry.input(description="A user to create in the viewer's customer.")
class CreateUserInput:
    email: str = strawberry.field(description="Work email address; unique in the customer.")
    first_name: str = strawberry.field(description="First name; not empty.")
    last_name: str = strawberry.field(description="Last name; not empty.")
    roles: list[RoleValue] = strawberry.field(description=_ROLES)
    person_urn: str | None = strawberry.field(
        default=None,
        description="The user's LinkedIn person URN (urn:li:person:…), if known: the seat it holds maps "
        "to the user at once. Unique in the customer.",
    )


@strawberry.input(description="What to change about a user; the fields not given stay as they are.")
class UpdateUserInput:
    id: strawberry.ID = strawberry.field(description="The user's global ID.")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="First name; not empty.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="Last name; not empty.")
    person_urn: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The user's LinkedIn person URN; null clears it. Seats mapped by person URN follow at "
        "once (seats an admin mapped keep their mapping).",
    )


@strawberry.input(description="The roles a user holds from now on.")
class SetUserRolesInput:
    user_id: strawberry.ID = strawberry.field(description="The user's global ID.")
    roles: list[RoleValue] = strawberry.field(description=_ROLES)


@strawberry.type(description="The result of `createUser`.")
class CreateUserPayload:
    user: User | None = strawberry.field(description="The new user; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `updateUser`.")
class UpdateUserPayload:
    user: User | None = strawberry.field(description="The user as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `setUserRoles`.")
class SetUserRolesPayload:
    user: User | None = strawberry.field(description="The user with its new roles; null on failure.")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID naming `roles` for operator; NOT_FOUND naming `userId` for a user the customer "
        "does not have; CONFLICT naming `roles` when it would leave the customer without an admin."
    )


def _roles(values: list[RoleValue]) -> list[str]:
    return [value.value for value in values]


@strawberry.type
class UserMutation:
    @strawberry.mutation(description="Create a user of the viewer's customer (its admins).")
    async def create_user(self, info: Info, input: CreateUserInput) -> CreateUserPayload:
        new = users.NewUser(
            email=input.email,
            first_name=input.first_name,
            last_name=input.last_name,
            roles=_roles(input.roles),
            person_urn=input.person_urn,
        )
        try:
            row = await users.create_user(info.context.services.sessions, info.context.tenant.id, new)
        except DomainError as error:
            return CreateUserPayload(user=None, user_errors=user_errors(error))
        return CreateUserPayload(user=User.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Change a user's names or LinkedIn person URN (its admins); its seats follow the URN."
    )
    async def update_user(self, info: Info, input: UpdateUserInput) -> UpdateUserPayload:
        try:
            user_id = node_id(input.id, "User", "id")
            given = given_fields(input, ("first_name", "last_name", "person_urn"))
            changes = users.UserChanges(**given)  # type: ignore[arg-type]
            row = await users.update_user(
                info.context.services.sessions, info.context.tenant.id, user_id, changes
            )
        except DomainError as error:
            return UpdateUserPayload(user=None, user_errors=user_errors(error))
        return UpdateUserPayload(user=User.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Set a user's roles (its customer's admins): admin, recruiter or integration, never "
        "operator; the customer keeps at least one admin. A token's roles claim, where the identity "
        "provider sends one, rewrites them at the user's next sign-in."
    )
    async def set_user_roles(self, info: Info, input: SetUserRolesInput) -> SetUserRolesPayload:
        try:
            user_id = node_id(input.user_id, "User", "userId")
            row = await users.set_user_roles(
                info.context.services.sessions, info.context.tenant.id, user_id, _roles(input.roles)
            )
        except DomainError as error:
            return SetUserRolesPayload(user=None, user_errors=user_errors(error))
        return SetUserRolesPayload(user=User.from_row(row), user_errors=[])
