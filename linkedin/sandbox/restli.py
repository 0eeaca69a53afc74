"""Rest.li wire helpers: error bodies, compound keys, paging and batch result maps."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Json = dict[str, Any]
Key = tuple[tuple[str, str], ...]

_IDS_PARAM = re.compile(r"^ids\[(\d+)\]\.(\w+)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RestliError(Exception):
    """Raised inside a handler to answer with a Rest.li error body."""

    def __init__(self, status: int, message: str, service_error_code: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.service_error_code = status if service_error_code is None else service_error_code


def error_body(status: int, message: str, service_error_code: int | None = None) -> Json:
    """The LinkedIn error body `{status, serviceErrorCode, message}`."""
    return {
        "status": status,
        "serviceErrorCode": status if service_error_code is None else service_error_code,
        "message": message,
    }


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An HTTP error answered with the LinkedIn error body."""
    return JSONResponse(error_body(status, message), status_code=status, headers=headers)


def key_string(key: Key) -> str:
    """The protocol-1.0 string form of a compound key (`a=1&b=2`)."""
    return urlencode(list(key), safe=":")


def parse_key(text: str) -> Key:
    """Parse a compound key string in any field order; `(a:1,b:2)` records are accepted too."""
    if text.startswith("(") and text.endswith(")"):
        # Protocol 2.0 records percent-encode their values (urn%3Ali%3A...), never the structure.
        pairs = [p.partition(":") for p in text[1:-1].split(",") if p]
        return tuple((unquote(k), unquote(v)) for k, _, v in pairs if not k.startswith("$"))
    return tuple(parse_qsl(text, keep_blank_values=True))


def canonical(key: Key, required: tuple[str, ...]) -> Key:
    """Normalise a key to its identity fields; raise 400 for missing fields or a non-ATS dataProvider."""
    fields = dict(key)
    if fields.get("dataProvider", "ATS") != "ATS":
        raise RestliError(400, f"Invalid dataProvider {fields['dataProvider']!r}; only ATS is supported")
    missing = [name for name in required if not fields.get(name)]
    if missing:
        raise RestliError(400, f"Invalid key: missing {', '.join(missing)}")
    return tuple((name, fields[name]) for name in required)


def query_keys(params: QueryParams) -> list[tuple[str, Key]]:
    """Compound keys from `ids[i].field=value` params, in index order, with the string each echoes as."""
    by_index: dict[int, list[tuple[str, str]]] = {}
    for name, value in params.multi_items():
        match = _IDS_PARAM.match(name)
        if match:
            by_index.setdefault(int(match.group(1)), []).append((match.group(2), value))
    if not by_index and "ids" in params:
        # Protocol 2.0: ids=List((a:1,b:2),(a:3,b:4))
        raw = params["ids"]
        if raw.startswith("List(") and raw.endswith(")"):
            records = re.findall(r"\([^()]*\)", raw[5:-1])
            return [(key_string(parse_key(r)), parse_key(r)) for r in records]
    return [(key_string(tuple(pairs)), tuple(pairs)) for _, pairs in sorted(by_index.items())]


def simple_ids(params: QueryParams) -> list[str]:
    """Plain string ids from `ids=a&ids=b` (or `ids=List(a,b)`)."""
    ids: list[str] = []
    for value in params.getlist("ids"):
        if value.startswith("List(") and value.endswith(")"):
            ids.extend(v for v in value[5:-1].split(",") if v)
        else:
            ids.append(value)
    return ids


def int_param(params: QueryParams, name: str, default: int | None = None, minimum: int = 0) -> int:
    """An integer query parameter; 400 when missing (without default) or malformed."""
    raw = params.get(name)
    if raw is None:
        if default is None:
            raise RestliError(400, f"Missing required parameter '{name}'")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RestliError(400, f"Parameter '{name}' must be an integer") from None
    if value < minimum:
        raise RestliError(400, f"Parameter '{name}' must be >= {minimum}")
    return value


def required(params: QueryParams, name: str) -> str:
    """A required string query parameter; 400 when missing."""
    value = params.get(name)
    if not value:
        raise RestliError(400, f"Missing required parameter '{name}'")
    return value


T = TypeVar("T")


def page(params: QueryParams, elements: list[Json], start_required: bool = False) -> Json:
    """One finder page with `paging`; count defaults to 10 and is capped at 100."""
    start = int_param(params, "start", None if start_required else 0)
    count = min(int_param(params, "count", 10, minimum=1), 100)
    return {
        "elements": elements[start : start + count],
        "paging": {"start": start, "count": count, "total": len(elements)},
    }


def page_of(
    params: QueryParams, items: Sequence[T], render: Callable[[T], Json], start_required: bool = False
) -> Json:
    """`page` of `items`, rendering only the page's own (not every item of the result)."""
    start = int_param(params, "start", None if start_required else 0)
    count = min(int_param(params, "count", 10, minimum=1), 100)
    return {
        "elements": [render(item) for item in items[start : start + count]],
        "paging": {"start": start, "count": count, "total": len(items)},
    }


async def json_body(request: Request) -> Json:
    """The request body as a JSON object; 400 otherwise."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise RestliError(400, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise RestliError(400, "Request body must be a JSON object")
    return body


def restli_method(request: Request) -> str:
    """The `X-RestLi-Method` header in lower case (any header case is accepted)."""
    return request.headers.get("x-restli-method", "").lower()


def batch_entities(body: Json, max_batch: int) -> dict[str, Any]:
    """The `entities` map of a batch body; 400 when absent or over the batch limit."""
    entities = body.get("entities")
    if not isinstance(entities, dict):
        raise RestliError(400, "Body must contain an 'entities' map")
    if len(entities) > max_batch:
        raise RestliError(400, f"Batch of {len(entities)} records exceeds the limit of {max_batch}")
    return entities


def batch_result(results: dict[str, Json], errors: dict[str, Json]) -> JSONResponse:
    """A batch update/delete answer: per-key statuses and per-key errors."""
    return JSONResponse({"results": results, "errors": errors})
