"""Pure Rest.li helpers: compound keys, query strings, URL form (/v2 or /rest) and query tunnelling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, unquote

CompoundKey = Mapping[str, str]
QueryParams = Sequence[tuple[str, str]]

# LinkedIn's official client tunnels a query once the URL passes this length.
MAX_URL_LENGTH = 4000


def resource_path(resource: str, api_version: str | None) -> str:
    """The path of `resource`: `/v2/<resource>` unversioned, `/rest/<resource>` when a version is set."""
    prefix = "/rest" if api_version is not None else "/v2"
    return f"{prefix}/{resource.lstrip('/')}"


def version_headers(api_version: str | None) -> dict[str, str]:
    """The headers the versioned surface needs (none for /v2, which defaults to protocol 1.0)."""
    if api_version is None:
        return {}
    return {"LinkedIn-Version": api_version, "X-Restli-Protocol-Version": "2.0.0"}


def _quote_v1(value: str) -> str:
    # Colons stay readable, as in LinkedIn's Postman collection (urn:li:organization:1).
    return quote(value, safe=":")


def _quote_v2(value: str) -> str:
    return quote(value, safe="")


def encode_query(params: QueryParams) -> str:
    """Form-encode plain query params, keeping `[`, `]` and `:` readable as LinkedIn's samples do."""
    return "&".join(f"{quote(k, safe='[].')}={_quote_v1(v)}" for k, v in params)


def key_to_string(key: CompoundKey) -> str:
    """Protocol 1.0 key string `field=value&field=value`, the form of body keys and path keys on /v2."""
    return "&".join(f"{quote(k, safe='')}={_quote_v1(v)}" for k, v in key.items())


def key_to_record(key: CompoundKey) -> str:
    """Protocol 2.0 record literal `(field:value,field:value)` with values escaped for Rest.li 2.0."""
    return "(" + ",".join(f"{k}:{_quote_v2(v)}" for k, v in key.items()) + ")"


def encode_key(key: CompoundKey, versioned: bool) -> str:
    """The key as LinkedIn writes it in bodies and result maps for the chosen protocol."""
    return key_to_record(key) if versioned else key_to_string(key)


def path_key(key: CompoundKey, versioned: bool) -> str:
    """The key as a path segment (for sub-collections): the same literal as in bodies.

    Protocol 2.0 follows LinkedIn's official client (`build_rest_url`): the record's values are
    percent-encoded, its parentheses, colons and commas are not.
    """
    return encode_key(key, versioned)


def parse_key(text: str) -> dict[str, str]:
    """Parse a key string in either protocol form into fields; field order does not matter."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        fields: dict[str, str] = {}
        inner = text[1:-1]
        for part in inner.split(",") if inner else []:
            name, sep, value = part.partition(":")
            if not sep:
                raise ValueError(f"not a Rest.li 2.0 key: {text!r}")
            fields[name] = unquote(value)
        return fields
    fields = {}
    for part in text.split("&"):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"not a Rest.li 1.0 key: {text!r}")
        fields[unquote(name)] = unquote(value)
    return fields


def same_key(a: CompoundKey, b: CompoundKey) -> bool:
    """True when two compound keys name the same entity, whatever their field order."""
    return dict(a) == dict(b)


def batch_ids_query(keys: Sequence[CompoundKey], versioned: bool) -> str:
    """Encoded query fragment addressing compound keys: `ids[i].f=v` (1.0) or `ids=List((f:v),...)` (2.0)."""
    if versioned:
        return "ids=List(" + ",".join(key_to_record(k) for k in keys) + ")"
    return encode_query(
        [(f"ids[{i}].{name}", value) for i, key in enumerate(keys) for name, value in key.items()]
    )


def simple_ids_query(ids: Sequence[str], versioned: bool) -> str:
    """Encoded query fragment addressing simple string ids: `ids=a&ids=b` (1.0) or `ids=List(a,b)` (2.0)."""
    if versioned:
        return "ids=List(" + ",".join(_quote_v2(i) for i in ids) + ")"
    return encode_query([("ids", i) for i in ids])


def join_query(*fragments: str) -> str:
    """Join already-encoded query fragments, skipping empty ones."""
    return "&".join(f for f in fragments if f)


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request after the tunnelling decision: what actually goes on the wire."""

    method: str
    url: str
    headers: dict[str, str]
    form_body: str | None = None


def tunnel_if_needed(
    method: str, base_url: str, query: str, *, has_body: bool, max_url_length: int = MAX_URL_LENGTH
) -> PreparedRequest:
    """Tunnel a body-less call as POST + X-HTTP-Method-Override + form body when its URL would be too long."""
    url = f"{base_url}?{query}" if query else base_url
    if len(url) <= max_url_length or has_body or method.upper() not in {"GET", "DELETE"}:
        return PreparedRequest(method=method.upper(), url=url, headers={})
    return PreparedRequest(
        method="POST",
        url=base_url,
        headers={
            "X-HTTP-Method-Override": method.upper(),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form_body=query,
    )


__all__ = [
    "MAX_URL_LENGTH",
    "CompoundKey",
    "PreparedRequest",
    "QueryParams",
    "batch_ids_query",
    "encode_key",
    "encode_query",
    "join_query",
    "key_to_record",
    "key_to_string",
    "parse_key",
    "path_key",
    "resource_path",
    "same_key",
    "simple_ids_query",
    "tunnel_if_needed",
    "version_headers",
]
