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
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)
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
    "Query.users": ADMIN,
    "Query.seats": ADMIN,
    "Query.auditLog": ADMIN,
    "Query.linkedinExport": STAFF,
    "Query.linkedinExports": STAFF,
    "Query.exportUsage": STAFF,
    "Query.linkedinMembers": BADGE,
    "Query.linkedinIntegration": ADMIN,
    "Query.syncStatus": ADMIN,
    "Query.customers": OPERATOR,
    "Query.aclGroups": ADMIN,
    "Query.apiKeys": ADMIN,
    "Query.purgedLinkedInProfiles": ADMIN,
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
    "Mutation.deleteApplicationStage": STAFF,
    "Mutation.deleteJob": STAFF,
    "Mutation.addInterviewFeedback": STAFF,
    "Mutation.updateInterviewFeedback": STAFF,
    "Mutation.deleteInterviewFeedback": STAFF,
    # Erasure answers a person's request to be forgotten: an admin's act, audited.
    "Mutation.eraseCandidate": ADMIN,
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
    "Mutation.offboardCustomer": OPERATOR,
    # Mutation: secured groups (ACLs)
    "Mutation.createAclGroup": ADMIN,
    "Mutation.setAclGroupUsers": ADMIN,
    "Mutation.setJobAclGroups": ADMIN,
    # Mutation: users and seats
    "Mutation.createUser": ADMIN,
    "Mutation.updateUser": ADMIN,
    "Mutation.setUserRoles": ADMIN,
    "Mutation.refreshSeats": ADMIN,
    "Mutation.mapSeat": ADMIN,
    # Mutation: API keys
    "Mutation.createApiKey": ADMIN,
    "Mutation.revokeApiKey": ADMIN,
    # Subscription: live updates of a candidate's tabs
    "Subscription.candidateActivity": STAFF,
}

# Who may hold an object of each type; a type not named here is as open as the fields leading to it.
TYPES: dict[str, Roles] = {
    "Candidate": BADGE,
    "Application": BADGE,
    "Job": BADGE,
    "LinkedInMember": BADGE,
    "ApplicationStage": STAFF,
    "Note": STAFF,
    "InterviewFeedback": STAFF,
    "InterviewEvaluation": STAFF,
    "InMailThread": STAFF,
    "InMailMessage": STAFF,
    "LinkedInNote": STAFF,
    "LinkedInProfile": STAFF,
    "FieldSuggestion": STAFF,
    "SyncEligibility": STAFF,
    "Freshness": STAFF,
    "User": STAFF,
    "Seat": STAFF,
    "AuditEntry": ADMIN,
    "LinkedInExport": STAFF,
    "ExportSeatUsage": STAFF,
    "SyncStatusReport": ADMIN,
    "LinkedInIntegration": ONBOARDING,
    "Customer": EVERYONE,
    "AclGroup": ADMIN,
    "ApiKey": ADMIN,
    "CandidateActivity": STAFF,
    # A customer's privacy duties: its admins and the vendor's operators.
    "CustomerOffboarding": ONBOARDING,
    "MirrorRetention": ONBOARDING,
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


ROOTS = ("Query", "Mutation", "Subscription")
# Root fields returning an interface whose resolver checks the member it found (`require_type`), so the
# root's rule need not fit every member's.
CHECKS_MEMBER = frozenset({"Query.node"})


def type_rule(type_names: Iterable[str]) -> Roles | None:
    """The roles that may hold an object of each of `type_names` (the concrete types a field may
    return; None: no rule names any of them)."""
    rules = [TYPES[name] for name in type_names if name in TYPES]
    return frozenset.intersection(*rules) if rules else None


def field_rule(type_name: str, field_name: str, returns: Iterable[str]) -> Roles | None:
    """The roles a field needs by the tables (None: no rule beyond its parent's). `returns`: the
    object types the field may return (an interface's or union's every member)."""
    if type_name in ROOTS:
        return ROOT[f"{type_name}.{field_name}"]
    rule = type_rule(returns)
    holders = TYPES.get(type_name, EVERYONE)
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


def returned_types(types: Mapping[str, GraphQLNamedType], field: GraphQLField) -> tuple[str, ...]:
    """The object types a field may return: its own, or every member of its interface or union."""
    named = get_named_type(field.type)
    if isinstance(named, GraphQLObjectType):
        return (named.name,)
    if isinstance(named, GraphQLUnionType):
        return tuple(member.name for member in named.types)
    if isinstance(named, GraphQLInterfaceType):
        # Implementations, also through an interface implementing this one.
        found = {named.name}
        grew = True
        while grew:
            grew = False
            for t in types.values():
                implements = isinstance(t, GraphQLObjectType | GraphQLInterfaceType) and any(
                    i.name in found for i in t.interfaces
                )
                if implements and t.name not in found:
                    found.add(t.name)
                    grew = True
        return tuple(sorted(n for n in found if isinstance(types.get(n), GraphQLObjectType)))
    return ()


def held_by(types: Mapping[str, GraphQLNamedType]) -> dict[str, Roles]:
    """For every object type, the roles that can ever hold one of its objects, through any path from a
    root (the least fixpoint: a role holds a type's object only by passing a field that returns it)."""
    objects = _object_types(types)
    reach: dict[str, Roles] = {root: EVERYONE for root in ROOTS if root in objects}
    changed = True
    while changed:
        changed = False
        for type_name, graphql_type in objects.items():
            holders = reach.get(type_name)
            if not holders:
                continue
            for field_name, graphql_field in graphql_type.fields.items():
                returns = returned_types(types, graphql_field)
                if not returns:
                    continue
                rule = field_rule(type_name, field_name, returns)
                passed = holders if rule is None else holders & rule
                for returned in returns:
                    # An abstract field's gate is its members' strictest rule; `node` checks the member.
                    cap = TYPES.get(returned, EVERYONE)
                    grown = (reach.get(returned, frozenset()) | passed) & cap
                    if grown != reach.get(returned, frozenset()):
                        reach[returned] = grown
                        changed = True
    return reach


def gates(types: Mapping[str, GraphQLNamedType]) -> dict[tuple[str, str], Roles]:
    """Every (type, field) that needs a check and the roles it admits: where the field's rule is
    narrower than the roles that can hold its parent."""
    reach = held_by(types)
    found: dict[tuple[str, str], Roles] = {}
    for type_name, graphql_type in _object_types(types).items():
        holders = reach.get(type_name, frozenset())
        for field_name, graphql_field in graphql_type.fields.items():
            rule = field_rule(type_name, field_name, returned_types(types, graphql_field))
            if rule is not None and _needs_check(holders, rule):
                found[(type_name, field_name)] = rule
    return found


def check_tables(types: Mapping[str, GraphQLNamedType]) -> None:
    """A root field missing from ROOT, a root granted to a role its type refuses, or a TYPES or NARROWED
    entry naming nothing (a typo would leave a type open) is a schema-build error."""
    objects = _object_types(types)
    problems = [
        f"ROOT names no roles for {root}.{name}"
        for root in ROOTS
        if root in objects
        for name in objects[root].fields
        if f"{root}.{name}" not in ROOT
    ]
    for root in ROOTS:
        for name, graphql_field in objects[root].fields.items() if root in objects else ():
            if f"{root}.{name}" in CHECKS_MEMBER:
                continue
            allowed, cap = (
                ROOT.get(f"{root}.{name}", frozenset()),
                type_rule(returned_types(types, graphql_field)),
            )
            if cap is not None and not allowed <= cap:
                problems.append(
                    f"ROOT grants {root}.{name} to {_names(allowed - cap)}, whom TYPES refuses its type"
                )
    problems += [f"TYPES names {name}, no object type" for name in TYPES if name not in objects]
    for role, narrowed in NARROWED.items():
        for type_name, fields in narrowed.items():
            if type_name not in objects:
                problems.append(f"NARROWED[{role}] names {type_name}, no object type")
                continue
            problems += [
                f"NARROWED[{role}][{type_name}] names {field}, no field of it"
                for field in sorted(fields - set(objects[type_name].fields))
            ]
    if problems:
        raise RuntimeError("graph/permissions.py: " + "; ".join(problems))


def apply_permissions(types: Mapping[str, GraphQLNamedType], *, enabled: bool = True) -> None:
    """Give every field of the built schema's types the permission extension its rule needs, where it
    is narrower than who can hold the field's parent; idempotent. `enabled=False` takes them all off
    (only bench/permissions.py does, to measure what they cost); schemas built later see the change."""
    check_tables(types)
    needed = gates(types) if enabled else {}
    for type_name, graphql_type in _object_types(types).items():
        definition = (graphql_type.extensions or {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        by_name = {field.name: field for field in definition.fields}
        for graphql_name, graphql_field in graphql_type.fields.items():
            field = _strawberry_field(by_name, graphql_name, graphql_field)
            if field is not None:
                _set_gate(field, needed.get((type_name, graphql_name)), f"{type_name}.{graphql_name}")


def installed_gate(field: StrawberryField) -> Roles | None:
    """The roles this module's gate on `field` admits (None: no gate)."""
    return next((e.roles for e in field.extensions if isinstance(e, RoleGate)), None)


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
        # Last, so it is outermost: Strawberry wraps the resolver in the extensions in order, the last
        # one running first, so no other extension (nor the resolver) runs for a viewer refused here.
        kept.append(RoleGate(roles, f"`{what}`"))
    field.extensions = kept


def require_type(viewer_roles: frozenset[str], type_name: str) -> None:
    """Refuse (FORBIDDEN) a viewer who may not hold objects of `type_name` (for `node(id)`, whose type
    is known only from the id)."""
    roles = TYPES.get(type_name, STAFF)
    if viewer_roles.isdisjoint(roles):
        raise ForbiddenError(f"Your role may not read a {type_name} (it needs {_names(roles)}).")
