"""Mutations on applications: apply a candidate to a job, move it through stages, delete it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.application import Application, ApplicationStage
from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from resolvers.ats_writes import applications
from resolvers.errors import DomainError


@strawberry.input(description="A candidate applying to a job (at most once per job).")
class ApplyToJobInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    job_id: strawberry.ID = strawberry.field(description="The job's global ID.")
    source: str | None = strawberry.field(
        default=None, description='Where the application came from, e.g. "Referral".'
    )
    actor: str | None = strawberry.field(default=None, description="Who entered the application.")


@strawberry.type(description="The result of `applyToJob`.")
class ApplyToJobPayload:
    application: Application | None = strawberry.field(
        description="The new application (status `Applied`); null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="A new stage in an application's history.")
class MoveApplicationStageInput:
    application_id: strawberry.ID = strawberry.field(description="The application's global ID.")
    stage: str = strawberry.field(
        description='Free text, e.g. "Phone screen" or "Hired"; not empty and not "Not Available".'
    )
    actor: str | None = strawberry.field(default=None, description="Who moved the application.")
    at: datetime | None = strawberry.field(
        default=None, description="When (with a timezone offset); now if omitted."
    )


@strawberry.type(description="The result of `moveApplicationStage`.")
class MoveApplicationStagePayload:
    application: Application | None = strawberry.field(
        description="The application; its status is the stage with the latest time. Null on failure."
    )
    stage: ApplicationStage | None = strawberry.field(description="The stage added to the history.")
    stage_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The stage's global ID (pass it to deleteApplicationStage); null on failure.",
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The stage history entry to delete.")
class DeleteApplicationStageInput:
    id: strawberry.ID = strawberry.field(
        description="The stage's global ID (`moveApplicationStage.stageId`)."
    )


@strawberry.type(description="The result of `deleteApplicationStage`.")
class DeleteApplicationStagePayload:
    deleted_application_stage_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted stage; null on failure."
    )
    application: Application | None = strawberry.field(
        description="The application; its status is its newest remaining stage. Null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The application to delete, with its stages and notes.")
class DeleteApplicationInput:
    id: strawberry.ID = strawberry.field(description="The application's global ID.")


@strawberry.type(description="The result of `deleteApplication`.")
class DeleteApplicationPayload:
    deleted_application_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted application; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation(description="Apply a candidate to a job; applying twice is a CONFLICT.")
    async def apply_to_job(self, info: Info, input: ApplyToJobInput) -> ApplyToJobPayload:
        try:
            candidate_id = node_id(input.candidate_id, "Candidate", "candidateId")
            job_id = node_id(input.job_id, "Job", "jobId")
            row = await applications.apply_to_job(
                info.context.services.sessions,
                info.context.tenant.id,
                candidate_id,
                job_id,
                source=input.source,
                actor=input.actor,
                sight=info.context.job_sight,
                feed=info.context.services.activity,
            )
        except DomainError as error:
            return ApplyToJobPayload(application=None, user_errors=user_errors(error))
        return ApplyToJobPayload(application=Application.from_row(row), user_errors=[])

    @strawberry.mutation(description="Append a stage to an application's history (it is never rewritten).")
    async def move_application_stage(
        self, info: Info, input: MoveApplicationStageInput
    ) -> MoveApplicationStagePayload:
        try:
            application_id = node_id(input.application_id, "Application", "applicationId")
            row, step = await applications.move_application_stage(
                info.context.services.sessions,
                info.context.tenant.id,
                application_id,
                input.stage,
                actor=input.actor,
                at=input.at,
                sight=info.context.job_sight,
                feed=info.context.services.activity,
            )
        except DomainError as error:
            return MoveApplicationStagePayload(application=None, stage=None, user_errors=user_errors(error))
        assert step.id is not None
        return MoveApplicationStagePayload(
            application=Application.from_row(row),
            stage=ApplicationStage.from_row(step),
            stage_id=global_id("ApplicationStage", step.id),
            user_errors=[],
        )

    @strawberry.mutation(description="Delete an application with its stages and notes, here and on LinkedIn.")
    async def delete_application(self, info: Info, input: DeleteApplicationInput) -> DeleteApplicationPayload:
        try:
            application_id = node_id(input.id, "Application", "id")
            await applications.delete_application(
                info.context.services.sessions,
                info.context.tenant.id,
                application_id,
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return DeleteApplicationPayload(deleted_application_id=None, user_errors=user_errors(error))
        return DeleteApplicationPayload(
            deleted_application_id=global_id("Application", application_id), user_errors=[]
        )

    @strawberry.mutation(
        description="Delete one entry of an application's stage history, here and on LinkedIn."
    )
    async def delete_application_stage(
        self, info: Info, input: DeleteApplicationStageInput
    ) -> DeleteApplicationStagePayload:
        try:
            stage_id = node_id(input.id, "ApplicationStage", "id")
            row = await applications.delete_application_stage(
                info.context.services.sessions,
                info.context.tenant.id,
                stage_id,
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return DeleteApplicationStagePayload(
                deleted_application_stage_id=None, application=None, user_errors=user_errors(error)
            )
        return DeleteApplicationStagePayload(
            deleted_application_stage_id=global_id("ApplicationStage", stage_id),
            application=Application.from_row(row),
            user_errors=[],
        )
