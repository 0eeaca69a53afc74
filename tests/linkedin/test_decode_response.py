"""decode_response: one pure mapping from an HTTP outcome to data or a typed error."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInHTTPError,
    LinkedInMalformedResponse,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
    decode_response,
    parse_retry_after,
)

SAMPLES = Path(__file__).parent / "samples"


def test_a_2xx_json_body_is_returned_decoded() -> None:
    # given
    body = (SAMPLES / "prospect_notes_page.json").read_bytes()
    # when
    data = decode_response(200, {}, body)
    # then
    assert data["paging"] == {"start": 0, "count": 50, "total": 1}
    assert data["elements"][0]["id"] == "note-42"


def test_an_empty_204_body_decodes_to_none() -> None:
    assert decode_response(204, {}, b"") is None


def test_a_truncated_2xx_body_raises_malformed_response() -> None:
    with pytest.raises(LinkedInMalformedResponse):
        decode_response(200, {}, b'{"elements": [{"id": "evt-0')


def test_a_401_carries_status_service_error_code_message_and_body() -> None:
    # given
    body = (SAMPLES / "error_401.json").read_bytes()
    # when
    with pytest.raises(LinkedInAuthError) as caught:
        decode_response(401, {}, body)
    # then
    assert caught.value.status == 401
    assert caught.value.service_error_code == 65600
    assert caught.value.message == "Expired access token"
    assert caught.value.body == {"status": 401, "serviceErrorCode": 65600, "message": "Expired access token"}


def test_an_oauth_error_body_gives_its_description_as_message() -> None:
    body = (SAMPLES / "error_oauth_invalid_client.json").read_bytes()
    with pytest.raises(LinkedInAuthError) as caught:
        decode_response(401, {}, body)
    assert caught.value.message == "Client authentication failed"
    assert caught.value.service_error_code is None


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, LinkedInBadRequest),
        (422, LinkedInBadRequest),
        (401, LinkedInAuthError),
        (403, LinkedInAuthError),
        (404, LinkedInNotFound),
        (429, LinkedInRateLimited),
        (500, LinkedInServerError),
        (503, LinkedInServerError),
        (504, LinkedInServerError),
    ],
)
def test_each_error_status_maps_to_its_error_class(status: int, error: type[LinkedInHTTPError]) -> None:
    body = b'{"status": %d, "serviceErrorCode": 100, "message": "nope"}' % status
    with pytest.raises(error) as caught:
        decode_response(status, {}, body)
    assert type(caught.value) is error
    assert caught.value.status == status


def test_an_unlisted_4xx_is_a_plain_http_error() -> None:
    with pytest.raises(LinkedInHTTPError) as caught:
        decode_response(409, {}, b'{"message": "conflict"}')
    assert type(caught.value) is LinkedInHTTPError
    assert caught.value.message == "conflict"


def test_a_429_reads_retry_after_whatever_the_header_case() -> None:
    with pytest.raises(LinkedInRateLimited) as caught:
        decode_response(429, {"retry-after": "7"}, b'{"status": 429, "message": "limit"}')
    assert caught.value.retry_after == 7.0


def test_a_429_without_retry_after_has_none() -> None:
    with pytest.raises(LinkedInRateLimited) as caught:
        decode_response(429, {}, b"")
    assert caught.value.retry_after is None
    assert caught.value.body is None


def test_an_error_with_a_non_json_body_keeps_the_text() -> None:
    with pytest.raises(LinkedInServerError) as caught:
        decode_response(502, {}, b"<html>Bad gateway</html>")
    assert caught.value.body == "<html>Bad gateway</html>"
    assert caught.value.message == ""


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("90", 90.0),
        (" 2.5 ", 2.5),
        ("inf", None),
        ("nan", None),
        ("-1", None),
        ("1e20", 86_400.0),
        ("x", None),
    ],
)
def test_retry_after_is_a_finite_wait_of_at_most_a_day(header: str, seconds: float | None) -> None:
    # `inf` or `1e20` overflowed the "rate-limited until" time: an INTERNAL error on the tab
    assert parse_retry_after(header) == seconds
