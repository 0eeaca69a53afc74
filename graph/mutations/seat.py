"""Admins' mutations on their customer's Recruiter seats: read them from LinkedIn now (like Lever's
"Refresh Seats"), and map one to a user by hand."""

from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import UserError
from graph.mutations.common import USER_ERRORS, node_id, user_errors
from graph.seat import Seat
from resolvers import seats
from resolvers.errors import DomainError


@strawberry.input(description="The seat to map, and the user behind it.")
class MapSeatInput:
    seat_urn: str = strawberry.field(description="The seat's URN, e.g. urn:li:seat:1001.")
    user_id: strawberry.ID | None = strawberry.field(
        description="The user's global ID; null maps the seat to no user. Either way syncs keep it."
    )


@strawberry.type(description="The result of `refreshSeats`.")
class RefreshSeatsPayload:
    seats: list[Seat] = strawberry.field(
        description="The customer's seats by URN, as stored after the refresh (as stored before it when "
        "LinkedIn failed)."
    )
    user_errors: list[UserError] = strawberry.field(
        description="When LinkedIn could not be read, one entry without a field: LINKEDIN_UNAVAILABLE, "
        "LINKEDIN_AUTH_FAILED or LINKEDIN_RATE_LIMITED with a sentence for a person."
    )


@strawberry.type(description="The result of `mapSeat`.")
class MapSeatPayload:
    seat: Seat | None = strawberry.field(description="The seat as it now is; null on failure.")
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type
class SeatMutation:
    @strawberry.mutation(
        description="Read the customer's seats from LinkedIn (seatsV2) now and store them: new seats added, "
        "seats no longer listed made inactive, each mapped to the user with the seatholder's person URN "
        "unless an admin mapped it (its admins)."
    )
    async def refresh_seats(self, info: Info) -> RefreshSeatsPayload:
        outcome = await seats.refresh_seats(info.context.services.sessions, info.context.tenant)
        errors = [UserError.from_domain(outcome.error)] if outcome.error is not None else []
        return RefreshSeatsPayload(seats=[Seat.from_row(row) for row in outcome.seats], user_errors=errors)

    @strawberry.mutation(
        description="Map a seat to a user of the customer, or to no user (its admins); syncs never change "
        "an admin's mapping. The seat's InMail threads then name that user."
    )
    async def map_seat(self, info: Info, input: MapSeatInput) -> MapSeatPayload:
        try:
            user_id = node_id(input.user_id, "User", "userId") if input.user_id is not None else None
            row = await seats.map_seat(
                info.context.services.sessions, info.context.tenant.id, input.seat_urn, user_id
            )
        except DomainError as error:
            return MapSeatPayload(seat=None, user_errors=user_errors(error))
        return MapSeatPayload(seat=Seat.from_row(row), user_errors=[])
