"""Who may use what: the one table of role → allowed operations, applied as Strawberry permission
extensions when the schema is built.

Three parts, each a table below:
* `ROOT`: every root field and mutation and the roles that may call it (a root field missing here is a
  schema-build error, so a new field is never open by default);
* `TYPES`: the roles that may hold an object of a type at all; every field returning it is checked,
  so a role is held at every path to it (`node(id)` checks the named type the same way);
* `NARROWED`: the fields of a type a role may read when it may hold the type but not all of it (the
  integration role's badge data: a candidate's id and name, not its contact data or InMails).

A field is checked only where its rule is narrower than its parent's (the parent was checked on the
way in), so an allowed tab pays for a handful of checks, not one per field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import strawberry
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

from graph.errors import ForbiddenError
from resolvers.viewer import Role

Roles = frozenset[str]

OPERATOR: Roles = frozenset({Role.OPERATOR})
ADMIN: Roles = frozenset({Role.ADMIN})
# A customer's people: its admins and recruiters (an admin may do whatever a recruiter may).
STAFF: Roles = frozenset({Role.ADMIN, Role.RECRUITER})
# What the In-ATS badge reads: the staff and the integration role's service clients.
BADGE: Roles = STAFF | {Role.INTEGRATION}
# The vendor's onboarding and a customer's admin.
ONBOARDING: Roles = ADMIN | OPERATOR
EVERYONE: Roles = frozenset(Role)

# Every root field and mutation, and who may call it.
ROOT: dict[str, Roles] = {
    # Query
    "Query.viewer": EVERYONE,
    "Query.node": STAFF,
    "Query.candidates": STAFF,
    "Query.candidate": STAFF,
    "Query.jobs": STAFF,
    "Query.recruiters": STAFF,
    "Query.linkedinExport": STAFF,
    "Query.linkedinExports": STAFF,
    "Query.exportUsage": STAFF,
    "Query.linkedinMembers": BADGE,
    "Query.linkedinIntegration": ADMIN,
    "Query.syncStatus": ADMIN,
    "Query.customers": OPERATOR,
    "Query.apiKeys": ADMIN,
    # Mutation: the ATS's records
    "Mutation.createCandidate": STAFF,
    "Mutation.updateCandidate": STAFF,
    "Mutation.deleteCandidate": STAFF,
    "Mutation.mergeCandidates": STAFF,
    "Mutation.createJob": STAFF,
    "Mutation.updateJob": STAFF,
    "Mutation.applyToJob": STAFF,
    "Mutation.moveApplicationStage": STAFF,
    "Mutation.deleteApplication": STAFF,
    "Mutation.addCandidateNote": STAFF,
    "Mutation.addApplicationNote": STAFF,
    "Mutation.deleteCandidateNote": STAFF,
    "Mutation.deleteApplicationNote": STAFF,
    # Mutation: LinkedIn
    "Mutation.processLinkedInExport": STAFF,
    "Mutation.linkLinkedInMember": STAFF,
    "Mutation.unlinkLinkedInMember": STAFF,
    "Mutation.refreshLinkedInActivity": STAFF,
    "Mutation.acceptLinkedInSuggestion": STAFF,
    # Mutation: customers
    "Mutation.provisionCustomer": OPERATOR,
    "Mutation.addCustomer": OPERATOR,
    "Mutation.updateCustomerSettings": ADMIN,
    # Mutation: API keys
    "Mutation.createApiKey": ADMIN,
    "Mutation.revokeApiKey": ADMIN,
}

# Who may hold an object of each type; a type not named here is as open as the fields leading to it.
TYPES: dict[str, Roles] = {
    "Candidate": BADGE,
    "Application": BADGE,
    "Job": BADGE,
    "LinkedInMember": BADGE,
    "ApplicationStage": STAFF,
    "Note": STAFF,
    "InMailThread": STAFF,
    "InMailMessage": STAFF,
    "LinkedInNote": STAFF,
    "LinkedInProfile": STAFF,
    "FieldSuggestion": STAFF,
    "SyncEligibility": STAFF,
    "Freshness": STAFF,
    "Recruiter": STAFF,
    "LinkedInExport": STAFF,
    "ExportSeatUsage": STAFF,
    "SyncStatusReport": ADMIN,
    "LinkedInIntegration": ONBOARDING,
    "Customer": EVERYONE,
    "ApiKey": ADMIN,
}

# For a role that may hold a type but read only some of its fields: those fields. The type's other
# fields then need one of the type's other roles.
NARROWED: dict[str, dict[str, frozenset[str]]] = {
    Role.INTEGRATION: {
        "Candidate": frozenset({"id", "firstName", "lastName", "applications"}),
        "Application": frozenset({"id", "job", "status", "lastActivityAt"}),
        "Job": frozenset({"id", "title", "state"}),
    },
}


def _names(roles: Iterable[str]) -> str:
    return " or ".join(sorted(roles))


class HasRole(BasePermission):
    """Granted when the viewer holds one of `roles`; otherwise a FORBIDDEN error on the field."""

    def __init__(self, roles: Roles, what: str) -> None:
        self.roles = roles
        self.message = f"Your role may not use {what} (it needs {_names(roles)})."

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return not info.context.viewer.roles.isdisjoint(self.roles)

    def on_unauthorized(self) -> None:
        raise ForbiddenError(self.message or "Forbidden")


class RoleGate(PermissionExtension):
    """The permission extension this module adds (told apart from any other on re-application)."""

    def __init__(self, roles: Roles, what: str) -> None:
        super().__init__(permissions=[HasRole(roles, what)], use_directives=False)
        self.roles = roles


def field_rule(type_name: str, field_name: str, returns: str) -> Roles | None:
    """The roles a field needs by the tables (None: no rule beyond its parent's)."""
    if type_name in ("Query", "Mutation"):
        return ROOT[f"{type_name}.{field_name}"]
    holders = TYPES.get(type_name)
    rule = TYPES.get(returns)
    if holders is not None:
        narrowed = frozenset(
            role for role in holders if field_name in NARROWED.get(role, {}).get(type_name, {field_name})
        )
        if narrowed != holders:
            rule = narrowed if rule is None else rule & narrowed
    return rule


def _needs_check(held_by: Roles, rule: Roles | None) -> bool:
    # Whoever holds the parent was checked on the way in: a rule that admits all of them adds nothing.
    return rule is not None and not held_by <= rule


def _object_types(types: Mapping[str, GraphQLNamedType]) -> dict[str, GraphQLObjectType]:
    return {
        name: t for name, t in types.items() if isinstance(t, GraphQLObjectType) and not name.startswith("__")
    }


def held_by(types: Mapping[str, GraphQLNamedType]) -> dict[str, Roles]:
    """For every object type, the roles that can ever hold one of its objects (through any path)."""
    objects = _object_types(types)
    reach: dict[str, Roles] = {root: EVERYONE for root in ("Query", "Mutation") if root in objects}
    changed = True
    while changed:
        changed = False
        for type_name, graphql_type in objects.items():
            holders = reach.get(type_name)
            if holders is None:
                continue
            for field_name, graphql_field in graphql_type.fields.items():
                returns = get_named_type(graphql_field.type).name
                if returns not in objects:
                    continue
                rule = field_rule(type_name, field_name, returns)
                passed = holders if rule is None else holders & rule
                cap = TYPES.get(returns, EVERYONE)
                grown = (reach.get(returns, frozenset()) | passed) & cap
                if grown != reach.get(returns):
                    reach[returns] = grown
                    changed = True
    return reach


def apply_permissions(types: Mapping[str, GraphQLNamedType]) -> None:
    """Give every field of the built schema's types the permission extension its rule needs, where it
    is narrower than who can hold the field's parent; idempotent."""
    objects = _object_types(types)
    missing = [
        f"{root}.{name}"
        for root in ("Query", "Mutation")
        if root in objects
        for name in objects[root].fields
        if f"{root}.{name}" not in ROOT
    ]
    if missing:
        raise RuntimeError(f"graph/permissions.py ROOT names no roles for {', '.join(missing)}")
    reach = held_by(types)
    for type_name, graphql_type in objects.items():
        definition = (graphql_type.extensions or {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        by_name = {field.name: field for field in definition.fields}
        holders = reach.get(type_name, frozenset())
        for graphql_name, graphql_field in graphql_type.fields.items():
            field = _strawberry_field(by_name, graphql_name, graphql_field)
            if field is None:
                continue
            rule = field_rule(type_name, graphql_name, get_named_type(graphql_field.type).name)
            _set_gate(field, rule if _needs_check(holders, rule) else None, f"{type_name}.{graphql_name}")


def _strawberry_field(
    by_name: dict[str, StrawberryField], graphql_name: str, graphql_field: Any
) -> StrawberryField | None:
    field = (graphql_field.extensions or {}).get("strawberry-definition")
    if isinstance(field, StrawberryField):
        return field
    return next((f for f in by_name.values() if f.graphql_name == graphql_name), None)


def _set_gate(field: StrawberryField, roles: Roles | None, what: str) -> None:
    kept: list[FieldExtension] = [e for e in field.extensions if not isinstance(e, RoleGate)]
    if roles is not None:
        # First, so no other extension (or the resolver) runs for a viewer who may not use the field.
        kept.insert(0, RoleGate(roles, f"`{what}`"))
    field.extensions = kept


def require_type(viewer_roles: frozenset[str], type_name: str) -> None:
    """Refuse (FORBIDDEN) a viewer who may not hold objects of `type_name` (for `node(id)`, whose type
    is known only from the id)."""
    roles = TYPES.get(type_name, STAFF)
    if viewer_roles.isdisjoint(roles):
        raise ForbiddenError(f"Your role may not read a {type_name} (it needs {_names(roles)}).")
