"""The schema: every domain module's Query and Mutation mixins, composed in one place."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from graph.candidate import CandidateQuery
from graph.enrichment import EnrichmentQuery
from graph.errors import annotate
from graph.export import ExportMutation, ExportQuery
from graph.identity import IdentityMutation
from graph.integration import IntegrationQuery
from graph.job import JobQuery
from graph.limits import Limits, RefuseNulVariables, validation_rules_extension
from graph.mutations.application import ApplicationMutation
from graph.mutations.candidate import CandidateMutation
from graph.mutations.job import JobMutation
from graph.mutations.note import NoteMutation
from graph.node import NodeQuery
from graph.observe import OperationObserver, OperationTelemetry
from graph.recruiter import RecruiterQuery
from graph.refresh import RefreshMutation
from graph.sync_status import SyncStatusQuery


@strawberry.type
class Query(
    IntegrationQuery,
    NodeQuery,
    CandidateQuery,
    JobQuery,
    RecruiterQuery,
    ExportQuery,
    EnrichmentQuery,
    SyncStatusQuery,
):
    pass


@strawberry.type
class Mutation(
    CandidateMutation,
    JobMutation,
    ApplicationMutation,
    NoteMutation,
    ExportMutation,
    IdentityMutation,
    RefreshMutation,
):
    pass


class RscSchema(strawberry.Schema):
    """Adds `extensions.code` to every error and masks unexpected ones outside development."""

    def __init__(self, *args: Any, show_internal_errors: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_internal_errors = show_internal_errors

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
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
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        validation_rules_extension(limits),
        RefuseNulVariables,
    ]
    if observer is not None:
        # First, so that its on_operation spans the parse and validation of the others.
        extensions.insert(0, lambda: OperationTelemetry(observer))
    return RscSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        show_internal_errors=show_internal_errors,
    )


schema = build_schema()
