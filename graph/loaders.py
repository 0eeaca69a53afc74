"""Per-request DataLoaders, named `<thing>_by_<key>`; each batch opens its own short session."""

from __future__ import annotations

from dataclasses import dataclass

from resolvers.services import Services


@dataclass(slots=True)
class Loaders:
    """Every relation the schema resolves goes through one of these, so SQL counts stay flat."""

    @classmethod
    def create(cls, services: Services) -> Loaders:
        """New loaders for one request."""
        return cls()
