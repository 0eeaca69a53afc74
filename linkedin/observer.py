"""The client's observer hook: what the app needs to count and trace LinkedIn calls, without linkedin/
knowing about metrics or logs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class CallObserver(Protocol):
    """Told about every HTTP attempt to LinkedIn and every new access token; supplies extra headers."""

    def headers(self) -> Mapping[str, str]:
        """Headers to add to the next request (e.g. the request id of the work that caused it)."""
        ...

    def on_call(self, endpoint: str, status: int | None, seconds: float, attempt: int) -> None:
        """One attempt ended: its endpoint, HTTP status (None: no answer), duration, 1-based attempt."""
        ...

    def on_token_refresh(self) -> None:
        """A new access token was obtained."""
        ...


class NoObserver:
    """The default observer: adds nothing, records nothing."""

    def headers(self) -> Mapping[str, str]:
        return {}

    def on_call(self, endpoint: str, status: int | None, seconds: float, attempt: int) -> None:
        return None

    def on_token_refresh(self) -> None:
        return None


def endpoint_name(resource: str) -> str:
    """A resource path without its keys (bounded label): `atsCandidates/(…)/notes` → `atsCandidates/notes`."""
    return "/".join(resource.split("?", 1)[0].split("/")[::2])
