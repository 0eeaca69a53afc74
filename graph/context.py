"""The per-request GraphQL context."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from graph.loaders import Loaders
from resolvers.services import Services


@dataclass(slots=True)
class Context:
    """Built for each request: shared services plus this request's DataLoaders."""

    services: Services
    loaders: Loaders
    request: Request | None = None
    response: Response | None = None

    @classmethod
    def create(
        cls, services: Services, request: Request | None = None, response: Response | None = None
    ) -> Context:
        """A fresh context with fresh loaders (loaders never outlive a request)."""
        return cls(services=services, loaders=Loaders.create(services), request=request, response=response)


Info = strawberry.Info[Context, None]
