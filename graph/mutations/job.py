"""Mutations on jobs: create and update (closing a job is an update of its state)."""

from __future__ import annotations

import strawberry

import models
from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.job import Job, JobAvailability, JobState
from graph.mutations.common import USER_ERRORS, given_fields, node_id, user_errors
from resolvers.ats_writes import jobs
from resolvers.errors import DomainError

_FIELDS = ("title", "description", "location", "company_apply_url", "state", "availability")


@strawberry.input(description="A new job. It is private to the ATS integration unless made PUBLIC.")
class CreateJobInput:
    title: str = strawberry.field(description="The title: 1 to 200 characters (LinkedIn's limit).")
    description: str = strawberry.field(default="", description="The description.")
    location: str | None = strawberry.field(
        default=None, description='Where the job is, e.g. "Providence, RI".'
    )
    company_apply_url: str | None = strawberry.field(
        default=None, description="Where candidates apply (http/https)."
    )
    state: JobState = strawberry.field(
        default=JobState.OPEN, description="Whether the job takes applications."
    )
    availability: JobAvailability | None = strawberry.field(
        default=None,
        description="Who may see the job on LinkedIn; omitted or null, the customer's choice "
        "(`updateCustomerSettings`; PRIVATE_TO_ATS_INTEGRATION unless it chose PUBLIC).",
    )


@strawberry.type(description="The result of `createJob`.")
class CreateJobPayload:
    job: Job | None = strawberry.field(description="The new job; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="Changes to a job: only the fields given change.")
class UpdateJobInput:
    id: strawberry.ID = strawberry.field(description="The job's global ID.")
    title: str | None = strawberry.field(
        default=strawberry.UNSET, description="The title: 1 to 200 characters."
    )
    description: str | None = strawberry.field(default=strawberry.UNSET, description="The description.")
    location: str | None = strawberry.field(default=strawberry.UNSET, description="Where the job is.")
    company_apply_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where candidates apply (http/https)."
    )
    state: JobState | None = strawberry.field(
        default=strawberry.UNSET, description="OPEN or CLOSED (closed jobs are synced too)."
    )
    availability: JobAvailability | None = strawberry.field(
        default=strawberry.UNSET, description="Who may see the job on LinkedIn."
    )


@strawberry.type(description="The result of `updateJob`.")
class UpdateJobPayload:
    job: Job | None = strawberry.field(description="The job as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _domain_values(fields: dict[str, object]) -> dict[str, object]:
    """GraphQL enums → model enums (None is kept: the resolver reports it)."""
    converted = dict(fields)
    if isinstance(state := converted.get("state"), JobState):
        converted["state"] = models.JobState(state.value)
    if isinstance(availability := converted.get("availability"), JobAvailability):
        converted["availability"] = models.JobAvailability(availability.value)
    return converted


@strawberry.input(description="The job to delete.")
class DeleteJobInput:
    id: strawberry.ID = strawberry.field(description="The job's global ID.")
    cascade: bool = strawberry.field(
        default=False,
        description="Also delete the job's applications (with their stages, notes and feedback); "
        "without it, a job with applications is refused (HAS_APPLICATIONS).",
    )


@strawberry.type(description="The result of `deleteJob`.")
class DeleteJobPayload:
    deleted_job_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted job; null on failure."
    )
    deleted_application_count: int = strawberry.field(
        description="How many applications were deleted with it."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Create a job; LinkedIn is told through the outbox.")
    async def create_job(self, info: Info, input: CreateJobInput) -> CreateJobPayload:
        fields = jobs.JobFields(**_domain_values(given_fields(input, _FIELDS)))  # type: ignore[arg-type]
        try:
            row = await jobs.create_job(info.context.services.sessions, info.context.tenant.id, fields)
        except DomainError as error:
            return CreateJobPayload(job=None, user_errors=user_errors(error))
        return CreateJobPayload(job=Job.from_row(row), user_errors=[])

    @strawberry.mutation(description="Change some of a job's fields, e.g. close it or make it public.")
    async def update_job(self, info: Info, input: UpdateJobInput) -> UpdateJobPayload:
        try:
            job_id = node_id(input.id, "Job", "id")
            changes = _domain_values(given_fields(input, _FIELDS))
            row = await jobs.update_job(
                info.context.services.sessions,
                info.context.tenant.id,
                job_id,
                changes,
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return UpdateJobPayload(job=None, user_errors=user_errors(error))
        return UpdateJobPayload(job=Job.from_row(row), user_errors=[])

    @strawberry.mutation(
        description="Delete a job (refused while it has applications unless `cascade`); on LinkedIn it "
        "is closed. To close a job and keep it, use updateJob(state: CLOSED)."
    )
    async def delete_job(self, info: Info, input: DeleteJobInput) -> DeleteJobPayload:
        try:
            job_id = node_id(input.id, "Job", "id")
            _, count = await jobs.delete_job(
                info.context.services.sessions,
                info.context.tenant.id,
                job_id,
                cascade=input.cascade,
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return DeleteJobPayload(
                deleted_job_id=None, deleted_application_count=0, user_errors=user_errors(error)
            )
        return DeleteJobPayload(
            deleted_job_id=global_id("Job", job_id), deleted_application_count=count, user_errors=[]
        )
