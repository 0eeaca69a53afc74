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
from graph.limits import Limits, RefuseUnsafeTextVariables, validation_rules_extension
from graph.linkedin_suggestion import LinkedInSuggestionMutation
from graph.mutations.application import ApplicationMutation
from graph.mutations.candidate import CandidateMutation
from graph.mutations.job import JobMutation
from graph.mutations.note import NoteMutation
from graph.node import NodeQuery
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
    LinkedInSuggestionMutation,
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


def build_schema(limits: Limits | None = None, *, show_internal_errors: bool = False) -> RscSchema:
    """The schema with its limits; extensions are classes or factories, never shared instances."""
    limits = limits or Limits()
    return RscSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
            validation_rules_extension(limits),
            RefuseUnsafeTextVariables,
        ],
        show_internal_errors=show_internal_errors,
    )


schema = build_schema()
