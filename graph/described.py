"""Enum members with a description in the SDL, typed as their plain value."""

from __future__ import annotations

from typing import cast

import strawberry


def described(value: str, description: str) -> str:
    """`strawberry.enum_value(value, description=…)` for a member whose `.value` code reads: Strawberry
    stores the plain value on the member, but mypy would type it as the definition object."""
    return cast(str, strawberry.enum_value(value, description=description))
