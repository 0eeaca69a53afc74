"""What a request presents in `Authorization: Bearer …`: an API key (`rsk_<customer>_<secret>`) or a JWT."""

from __future__ import annotations

import re
from dataclasses import dataclass

from resolvers.api_keys import API_KEY_PREFIX

# A JWT from any identity provider we know of is well under this; longer is refused unread.
MAX_CREDENTIAL_CHARS = 8192
# The customer's key (models/customers.py: no underscore), then the secret.
_API_KEY = re.compile(r"rsk_([a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?)_[A-Za-z0-9_-]{20,200}")


@dataclass(frozen=True, slots=True)
class BearerToken:
    """A JWT presented as a bearer token."""

    token: str


@dataclass(frozen=True, slots=True)
class PresentedApiKey:
    """An API key presented as a bearer token, and the customer its text names (its secret proves it)."""

    customer_key: str
    key: str


class MalformedCredential(ValueError):
    """The Authorization header is present but is no bearer credential we could accept."""


def parse_authorization(value: str | None) -> BearerToken | PresentedApiKey | None:
    """The credential of an `Authorization` header value; None without one, `MalformedCredential` when it
    is not `Bearer <credential>`."""
    if value is None or not value.strip():
        return None
    scheme, _, credential = value.strip().partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential or " " in credential:
        raise MalformedCredential("expected `Authorization: Bearer <token>`")
    if len(credential) > MAX_CREDENTIAL_CHARS:
        raise MalformedCredential("the bearer credential is too long")
    if credential.startswith(API_KEY_PREFIX):
        match = _API_KEY.fullmatch(credential)
        if match is None:
            raise MalformedCredential("an API key (rsk_…) of the wrong shape")
        return PresentedApiKey(customer_key=match.group(1), key=credential)
    return BearerToken(credential)
