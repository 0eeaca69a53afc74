"""Request limits as validation rules, built once per schema so the validation cache keeps working."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.extensions import AddValidationRules
from strawberry.extensions.max_aliases import create_validator as max_aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a request may be."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000


def validation_rules_extension(limits: Limits) -> type[AddValidationRules]:
    """An extension class (not instance) adding the depth and alias rules built here, once."""
    rules = [depth_validator(limits.max_depth, None, None), max_aliases_validator(limits.max_aliases)]

    class LimitRules(AddValidationRules):
        def __init__(self) -> None:
            super().__init__(list(rules))

    return LimitRules
