"""Mutations on interview feedback: add, update (replace) and delete, each mirrored on LinkedIn."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.interview_feedback import InterviewFeedback, InterviewType
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from resolvers.ats_writes import interview_feedback as writes
from resolvers.errors import DomainError


@strawberry.input(description='One judged attribute, e.g. "Verbal Communication" → "4/5".')
class InterviewEvaluationInput:
    attribute: str = strawberry.field(description="What was judged; not empty.")
    result: str = strawberry.field(description="The judgement; not empty.")


@strawberry.input(description="Interview feedback on an application.")
class AddInterviewFeedbackInput:
    application_id: strawberry.ID = strawberry.field(description="The application's global ID.")
    interviewer_first_name: str = strawberry.field(description="The interviewer's first name; not empty.")
    interviewer_last_name: str = strawberry.field(description="The interviewer's last name; not empty.")
    feedback: str = strawberry.field(default="", description="The feedback's text.")
    evaluations: list[InterviewEvaluationInput] = strawberry.field(
        default_factory=list, description="The attributes judged (at most 50)."
    )
    interview_type: InterviewType | None = strawberry.field(default=None, description="The interview's kind.")
    at: datetime | None = strawberry.field(
        default=None, description="When it was given (with a timezone offset); now if omitted."
    )


@strawberry.input(description="The new content of interview feedback (it replaces the old, as on LinkedIn).")
class UpdateInterviewFeedbackInput:
    id: strawberry.ID = strawberry.field(description="The feedback's global ID.")
    interviewer_first_name: str = strawberry.field(description="The interviewer's first name; not empty.")
    interviewer_last_name: str = strawberry.field(description="The interviewer's last name; not empty.")
    feedback: str = strawberry.field(default="", description="The feedback's text.")
    evaluations: list[InterviewEvaluationInput] = strawberry.field(
        default_factory=list, description="The attributes judged (at most 50)."
    )
    interview_type: InterviewType | None = strawberry.field(default=None, description="The interview's kind.")
    at: datetime | None = strawberry.field(
        default=None, description="When it was given; omitted, it keeps its time."
    )


@strawberry.input(description="The interview feedback to delete.")
class DeleteInterviewFeedbackInput:
    id: strawberry.ID = strawberry.field(description="The feedback's global ID.")


@strawberry.type(description="The result of `addInterviewFeedback`.")
class AddInterviewFeedbackPayload:
    interview_feedback: InterviewFeedback | None = strawberry.field(
        description="The new feedback; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `updateInterviewFeedback`.")
class UpdateInterviewFeedbackPayload:
    interview_feedback: InterviewFeedback | None = strawberry.field(
        description="The feedback as it is now; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `deleteInterviewFeedback`.")
class DeleteInterviewFeedbackPayload:
    deleted_interview_feedback_id: strawberry.ID | None = strawberry.field(
        description="The global ID of the deleted feedback; null on failure."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _fields(
    input: AddInterviewFeedbackInput | UpdateInterviewFeedbackInput,
) -> writes.FeedbackFields:
    return writes.FeedbackFields(
        interviewer_first_name=input.interviewer_first_name,
        interviewer_last_name=input.interviewer_last_name,
        feedback=input.feedback,
        evaluations=[writes.Evaluation(e.attribute, e.result) for e in input.evaluations],
        interview_type=models.InterviewType(input.interview_type.value) if input.interview_type else None,
        at=input.at,
    )


@strawberry.type
class InterviewFeedbackMutation:
    @strawberry.mutation(description="Add interview feedback to an application; LinkedIn is told.")
    async def add_interview_feedback(
        self, info: Info, input: AddInterviewFeedbackInput
    ) -> AddInterviewFeedbackPayload:
        try:
            application_id = node_id(input.application_id, "Application", "applicationId")
            row = await writes.add_interview_feedback(
                info.context.services.sessions,
                info.context.tenant.id,
                application_id,
                _fields(input),
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return AddInterviewFeedbackPayload(interview_feedback=None, user_errors=user_errors(error))
        return AddInterviewFeedbackPayload(interview_feedback=InterviewFeedback.from_row(row), user_errors=[])

    @strawberry.mutation(description="Replace interview feedback's content; LinkedIn is told.")
    async def update_interview_feedback(
        self, info: Info, input: UpdateInterviewFeedbackInput
    ) -> UpdateInterviewFeedbackPayload:
        try:
            feedback_id = node_id(input.id, "InterviewFeedback", "id")
            row = await writes.update_interview_feedback(
                info.context.services.sessions,
                info.context.tenant.id,
                feedback_id,
                _fields(input),
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return UpdateInterviewFeedbackPayload(interview_feedback=None, user_errors=user_errors(error))
        return UpdateInterviewFeedbackPayload(
            interview_feedback=InterviewFeedback.from_row(row), user_errors=[]
        )

    @strawberry.mutation(description="Delete interview feedback, here and on LinkedIn.")
    async def delete_interview_feedback(
        self, info: Info, input: DeleteInterviewFeedbackInput
    ) -> DeleteInterviewFeedbackPayload:
        try:
            feedback_id = node_id(input.id, "InterviewFeedback", "id")
            await writes.delete_interview_feedback(
                info.context.services.sessions,
                info.context.tenant.id,
                feedback_id,
                sight=info.context.job_sight,
            )
        except DomainError as error:
            return DeleteInterviewFeedbackPayload(
                deleted_interview_feedback_id=None, user_errors=user_errors(error)
            )
        return DeleteInterviewFeedbackPayload(
            deleted_interview_feedback_id=global_id("InterviewFeedback", feedback_id), user_errors=[]
        )
