"""Mutations on the ATS's own notes: add and delete, on a candidate or on one of its applications."""

from __future__ import annotations

import strawberry

import models
from graph.context import Info
from graph.errors import UserError
from graph.ids import global_id
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from graph.note import Note
from resolvers.ats_writes import notes
from resolvers.errors import DomainError

_DELETED = "The global ID of the deleted note; null on failure."
_NOTE_ID = "The note's global ID (pass it to the matching delete mutation); null on failure."


@strawberry.input(description="A note on a candidate.")
class AddCandidateNoteInput:
    candidate_id: strawberry.ID = strawberry.field(description="The candidate's global ID.")
    author: str = strawberry.field(description='Who writes the note, e.g. "Jane Smith"; not empty.')
    body: str = strawberry.field(description="The note's text; not empty.")


@strawberry.input(description="A note on one application.")
class AddApplicationNoteInput:
    application_id: strawberry.ID = strawberry.field(description="The application's global ID.")
    author: str = strawberry.field(description='Who writes the note, e.g. "Jane Smith"; not empty.')
    body: str = strawberry.field(description="The note's text; not empty.")


@strawberry.type(description="The result of `addCandidateNote`.")
class AddCandidateNotePayload:
    note: Note | None = strawberry.field(description="The new note; null on failure.")
    note_id: strawberry.ID | None = strawberry.field(description=_NOTE_ID)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The result of `addApplicationNote`.")
class AddApplicationNotePayload:
    note: Note | None = strawberry.field(description="The new note; null on failure.")
    note_id: strawberry.ID | None = strawberry.field(description=_NOTE_ID)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The candidate note to delete.")
class DeleteCandidateNoteInput:
    id: strawberry.ID = strawberry.field(description="The note's global ID.")


@strawberry.type(description="The result of `deleteCandidateNote`.")
class DeleteCandidateNotePayload:
    deleted_note_id: strawberry.ID | None = strawberry.field(description=_DELETED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.input(description="The application note to delete.")
class DeleteApplicationNoteInput:
    id: strawberry.ID = strawberry.field(description="The note's global ID.")


@strawberry.type(description="The result of `deleteApplicationNote`.")
class DeleteApplicationNotePayload:
    deleted_note_id: strawberry.ID | None = strawberry.field(description=_DELETED)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


def _note_id(row: models.Note) -> strawberry.ID:
    assert row.id is not None
    return global_id("Note", row.id)


@strawberry.type
class NoteMutation:
    @strawberry.mutation(description="Add a note to a candidate; LinkedIn is told through the outbox.")
    async def add_candidate_note(self, info: Info, input: AddCandidateNoteInput) -> AddCandidateNotePayload:
        try:
            candidate_id = node_id(input.candidate_id, "Candidate", "candidateId")
            row = await notes.add_candidate_note(
                info.context.services.sessions,
                info.context.tenant.id,
                candidate_id,
                author=input.author,
                body=input.body,
                feed=info.context.services.activity,
            )
        except DomainError as error:
            return AddCandidateNotePayload(note=None, note_id=None, user_errors=user_errors(error))
        return AddCandidateNotePayload(note=Note.from_row(row), note_id=_note_id(row), user_errors=[])

    @strawberry.mutation(description="Add a note to an application; LinkedIn is told through the outbox.")
    async def add_application_note(
        self, info: Info, input: AddApplicationNoteInput
    ) -> AddApplicationNotePayload:
        try:
            application_id = node_id(input.application_id, "Application", "applicationId")
            row = await notes.add_application_note(
                info.context.services.sessions,
                info.context.tenant.id,
                application_id,
                author=input.author,
                body=input.body,
                sight=info.context.job_sight,
                feed=info.context.services.activity,
            )
        except DomainError as error:
            return AddApplicationNotePayload(note=None, note_id=None, user_errors=user_errors(error))
        return AddApplicationNotePayload(note=Note.from_row(row), note_id=_note_id(row), user_errors=[])

    @strawberry.mutation(description="Delete a note on a candidate (not one on an application).")
    async def delete_candidate_note(
        self, info: Info, input: DeleteCandidateNoteInput
    ) -> DeleteCandidateNotePayload:
        try:
            note_id = node_id(input.id, "Note", "id")
            await notes.delete_candidate_note(info.context.services.sessions, info.context.tenant.id, note_id)
        except DomainError as error:
            return DeleteCandidateNotePayload(deleted_note_id=None, user_errors=user_errors(error))
        return DeleteCandidateNotePayload(deleted_note_id=global_id("Note", note_id), user_errors=[])

    @strawberry.mutation(description="Delete a note on an application (not one on the candidate itself).")
    async def delete_application_note(
        self, info: Info, input: DeleteApplicationNoteInput
    ) -> DeleteApplicationNotePayload:
        try:
            note_id = node_id(input.id, "Note", "id")
            await notes.delete_application_note(
                info.context.services.sessions, info.context.tenant.id, note_id, sight=info.context.job_sight
            )
        except DomainError as error:
            return DeleteApplicationNotePayload(deleted_note_id=None, user_errors=user_errors(error))
        return DeleteApplicationNotePayload(deleted_note_id=global_id("Note", note_id), user_errors=[])
