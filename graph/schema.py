"""The schema: every domain module's Query, Mutation and Subscription mixins, composed in one place."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from graph.acl import AclMutation, AclQuery
from graph.activity import ActivitySubscription
from graph.api_keys import ApiKeyMutation, ApiKeyQuery
from graph.audit import AuditQuery
from graph.audit_log import AuditMutations, apply_audit
from graph.candidate import CandidateQuery
from graph.cost_limit import CostTemplates
from graph.customer import CustomerQuery
from graph.enrichment import EnrichmentQuery
from graph.errors import annotate, redact, secret_values
from graph.export import ExportMutation, ExportQuery
from graph.identity import IdentityMutation
from graph.integration import IntegrationQuery
from graph.job import JobQuery
from graph.limits import (
    Limits,
    RefuseUnsafeTextVariables,
    cost_limit_extension,
    validation_extension,
    validation_rules_extension,
)
from graph.linkedin_suggestion import LinkedInSuggestionMutation
from graph.loaders import SharedReads
from graph.mutations.application import ApplicationMutation
from graph.mutations.candidate import CandidateMutation
from graph.mutations.customer import CustomerMutation
from graph.mutations.erasure import ErasureMutation
from graph.mutations.interview_feedback import InterviewFeedbackMutation
from graph.mutations.job import JobMutation
from graph.mutations.note import NoteMutation
from graph.mutations.seat import SeatMutation
from graph.mutations.user import UserMutation
from graph.node import NodeQuery
from graph.observe import MAX_LOGGED_NAME, OperationObserver, operation_name_of, outcome_of
from graph.permissions import apply_permissions
from graph.preshaped import PreShapingExecutor
from graph.refresh import RefreshMutation
from graph.seat import SeatQuery
from graph.sync_status import SyncStatusQuery
from graph.user import UserQuery


@strawberry.type(description="What a viewer may read (see the README's table of roles).")
class Query(
    IntegrationQuery,
    NodeQuery,
    CandidateQuery,
    JobQuery,
    UserQuery,
    SeatQuery,
    AuditQuery,
    ExportQuery,
    EnrichmentQuery,
    SyncStatusQuery,
    CustomerQuery,
    AclQuery,
    ApiKeyQuery,
):
    pass


@strawberry.type(
    description="What a viewer may change; each mutation takes one `input` and answers a payload with "
    "`userErrors`."
)
class Mutation(
    CandidateMutation,
    JobMutation,
    ApplicationMutation,
    NoteMutation,
    InterviewFeedbackMutation,
    ErasureMutation,
    ExportMutation,
    IdentityMutation,
    RefreshMutation,
    LinkedInSuggestionMutation,
    CustomerMutation,
    AclMutation,
    UserMutation,
    SeatMutation,
    ApiKeyMutation,
):
    pass


@strawberry.type(description="Live updates, over graphql-transport-ws on `/graphql`.")
class Subscription(ActivitySubscription):
    pass


# Once, at import: the table's permission extensions, and the audit log's outside them on every mutation,
# go onto the fields every schema built here uses.
_type_map = strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)._schema.type_map
apply_permissions(_type_map)
apply_audit(_type_map)


class RscSchema(strawberry.Schema):
    """Adds `extensions.code` to every error and masks unexpected ones outside development; leaves out
    graphql-core's suggestions when asked; reports every operation to its observer, if any."""

    def __init__(
        self,
        *args: Any,
        show_internal_errors: bool = False,
        hide_suggestions: bool = False,
        observer: OperationObserver | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.show_internal_errors = show_internal_errors
        self.hide_suggestions = hide_suggestions
        self.observer = observer

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        # Strawberry passes these on to graphql-core's execute, whose variable coercion otherwise says
        # "Did you mean …?" with the names of input fields and enum values.
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if self.hide_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs

    async def execute(  # Strawberry's signature, so the view's call stays the same
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        observer = self.observer
        if observer is None:
            return await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        name = operation_name_of(query, operation_name)
        started = time.perf_counter()
        result: ExecutionResult | None = None
        # bind/reset rather than bound_contextvars, which copies the whole context to save prior values.
        tokens = structlog.contextvars.bind_contextvars(operation=(name or "anonymous")[:MAX_LOGGED_NAME])
        try:
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
            return result
        finally:
            structlog.contextvars.reset_contextvars(**tokens)
            outcome, codes = outcome_of(result)
            observer.on_operation(name, outcome, time.perf_counter() - started, codes)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        if execution_context is not None:
            redact(errors, secret_values(execution_context.variables))
        annotate(errors, show_internal=self.show_internal_errors)


def build_schema(
    limits: Limits | None = None,
    *,
    show_internal_errors: bool = False,
    observer: OperationObserver | None = None,
) -> RscSchema:
    """The schema with its limits (and, given an observer, per-operation telemetry); extensions are
    classes or factories, never shared instances."""
    limits = limits or Limits()
    costs = CostTemplates(limits.default_page_size)
    return RscSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: ParserCache(maxsize=256),
            validation_extension(limits),
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            validation_rules_extension(limits, costs),
            RefuseUnsafeTextVariables,
            cost_limit_extension(limits, costs),
            AuditMutations,
            SharedReads,
        ],
        show_internal_errors=show_internal_errors,
        hide_suggestions=not limits.introspection,
        observer=observer,
        # Completes pre-shaped list answers (graph/preshaped.py; the enrichment member list).
        execution_context_class=PreShapingExecutor,
    )


schema = build_schema()
