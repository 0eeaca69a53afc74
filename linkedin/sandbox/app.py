"""Compose the sandbox Starlette app: OAuth, the /v2 and /rest resources, and the admin API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from linkedin.sandbox import (
    acls,
    admin,
    applications,
    candidates,
    exports,
    finders,
    integrations,
    jobs,
    oauth,
    profile_plugin,
    provisioning,
    purges,
)
from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.dispatch import Handler, endpoint
from linkedin.sandbox.state import SandboxState
from linkedin.sandbox.tunnel import QueryTunnelMiddleware

# (path under /v2 and /rest, endpoint name, methods, handler)
Resource = tuple[str, str, list[str], Handler]

RESOURCES: list[Resource] = [
    ("provisionedApplications", "provisionedApplications", ["POST"], provisioning.create),
    ("provisionedApplications", "provisionedApplications", ["GET"], provisioning.find),
    ("provisionedApplications/{key}", "provisionedApplications", ["GET"], provisioning.get),
    ("provisionedApplications/{key}", "provisionedApplications", ["POST"], provisioning.update),
    ("atsIntegrations", "atsIntegrations", ["POST"], integrations.name),
    ("atsIntegrations", "atsIntegrations", ["GET"], integrations.get),
    ("seatsV2", "seatsV2", ["GET"], finders.seats),
    ("conversationEvents", "conversationEvents", ["GET"], finders.conversation_events),
    ("prospectNotes", "prospectNotes", ["GET"], finders.prospect_notes),
    ("mailStubs", "mailStubs", ["GET"], finders.mail_stubs),
    ("atsCandidates", "atsCandidates", ["GET"], candidates.get),
    ("atsCandidates", "atsCandidates", ["PUT"], candidates.put),
    ("atsCandidates", "atsCandidates", ["POST"], candidates.post),
    ("atsCandidates", "atsCandidates", ["DELETE"], candidates.delete),
    ("atsCandidates/{key}/notes", "atsCandidateNotes", ["PUT"], candidates.put_notes),
    ("atsCandidates/{key}/notes", "atsCandidateNotes", ["DELETE"], candidates.delete_notes),
    ("exportedCandidates", "exportedCandidates", ["GET"], exports.exported_candidates),
    (
        "atsPurgedExportedCandidates",
        "atsPurgedExportedCandidates",
        ["GET"],
        purges.purged_exported_candidates,
    ),
    ("atsIntegrations/{key}/configurations", "atsIntegrations", ["PUT"], exports.put_configurations),
    ("atsIntegrations/{key}/configurations", "atsIntegrations", ["GET"], exports.get_configurations),
    ("atsIntegrations/{key}/configurations", "atsIntegrations", ["DELETE"], exports.delete_configurations),
    ("atsEntityAcls", "atsEntityAcls", ["PUT"], acls.put_acls),
    ("atsEntityAcls", "atsEntityAcls", ["DELETE"], acls.delete_acls),
    ("atsEntityAcls", "atsEntityAcls", ["GET"], acls.find_acls),
    ("atsEntityAclAssignees", "atsEntityAclAssignees", ["PUT"], acls.put_assignees),
    ("atsEntityAclAssignees", "atsEntityAclAssignees", ["DELETE"], acls.delete_assignees),
    ("atsEntityAclAssignees", "atsEntityAclAssignees", ["GET"], acls.find_assignees),
    ("simpleJobPostings", "simpleJobPostings", ["POST"], jobs.create),
    ("simpleJobPostingTasks", "simpleJobPostingTasks", ["GET"], jobs.tasks),
    ("atsApplications", "atsApplications", ["PUT"], applications.put),
    ("atsApplications", "atsApplications", ["DELETE"], applications.delete),
    ("atsApplications/{key}/stages", "atsApplicationStages", ["PUT"], applications.put_stages),
    ("atsApplications/{key}/stages", "atsApplicationStages", ["DELETE"], applications.delete_stages),
    ("atsApplications/{key}/notes", "atsApplicationNotes", ["PUT"], applications.put_notes),
    ("atsApplications/{key}/notes", "atsApplicationNotes", ["DELETE"], applications.delete_notes),
    (
        "atsApplications/{key}/interviewFeedback",
        "atsApplicationInterviewFeedback",
        ["PUT"],
        applications.put_feedback,
    ),
    (
        "atsApplications/{key}/interviewFeedback",
        "atsApplicationInterviewFeedback",
        ["DELETE"],
        applications.delete_feedback,
    ),
]


def _resource_routes(resources: list[Resource]) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for path, name, methods, handler in resources:
        for prefix in ("/v2/", "/rest/"):
            routes.append(Route(prefix + path, endpoint(name, handler), methods=methods))
    return routes


def create_sandbox_app(config: SandboxConfig | None = None) -> Starlette:
    """A fresh sandbox app with its own world and state, built from `config` (defaults if None)."""
    state = SandboxState(config or SandboxConfig())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.release_hung()
            for task in list(state.background):
                task.cancel()
            await state.close()

    routes: list[BaseRoute] = [
        Route(
            "/oauth/v2/accessToken", endpoint("accessToken", oauth.access_token, auth=False), methods=["POST"]
        ),
        Route(
            "/oauth/v2/introspectToken",
            endpoint("introspectToken", oauth.introspect_token, auth=False),
            methods=["POST"],
        ),
        *_resource_routes(RESOURCES),
        *admin.ROUTES,
        Route("/_plugin/atsIntegration", integrations.plugin_page, methods=["GET"]),
        Route("/_plugin/atsIntegration", integrations.plugin_submit, methods=["POST"]),
        *profile_plugin.ROUTES,
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(QueryTunnelMiddleware)])
    app.state.sandbox = state
    return app
