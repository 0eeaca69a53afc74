"""Rest.li helpers: key forms, query strings, the /v2 or /rest decision and query tunnelling."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from linkedin import restli

KEY = {"atsCandidateId": "C1", "dataProvider": "ATS", "integrationContext": "urn:li:organization:123"}


def test_compound_keys_become_indexed_query_params_in_protocol_1() -> None:
    # when
    query = restli.batch_ids_query([KEY, {**KEY, "atsCandidateId": "C2"}], versioned=False)
    # then
    assert query == (
        "ids[0].atsCandidateId=C1&ids[0].dataProvider=ATS&ids[0].integrationContext=urn:li:organization:123"
        "&ids[1].atsCandidateId=C2&ids[1].dataProvider=ATS&ids[1].integrationContext=urn:li:organization:123"
    )


def test_compound_keys_become_a_list_of_records_in_protocol_2() -> None:
    key = {"atsJobApplicationId": "A1", "integrationContext": "urn:li:organization:123"}
    query = restli.batch_ids_query([key], versioned=True)
    assert query == "ids=List((atsJobApplicationId:A1,integrationContext:urn%3Ali%3Aorganization%3A123))"


def test_the_body_key_string_keeps_urns_readable() -> None:
    assert restli.key_to_string(KEY) == (
        "atsCandidateId=C1&dataProvider=ATS&integrationContext=urn:li:organization:123"
    )


def test_values_with_reserved_characters_round_trip_through_the_key_string() -> None:
    key = {"atsCandidateId": "C&1=x y", "integrationContext": "urn:li:organization:1"}
    assert restli.parse_key(restli.key_to_string(key)) == key


def test_key_strings_parse_whatever_their_field_order() -> None:
    reordered = "dataProvider=ATS&integrationContext=urn:li:organization:123&atsCandidateId=C1"
    assert restli.parse_key(reordered) == KEY
    assert restli.same_key(restli.parse_key(reordered), KEY)


def test_protocol_2_records_round_trip() -> None:
    record = restli.key_to_record(KEY)
    assert record == "(atsCandidateId:C1,dataProvider:ATS,integrationContext:urn%3Ali%3Aorganization%3A123)"
    assert restli.parse_key(record) == KEY


def test_a_protocol_2_path_key_is_the_record_with_encoded_values() -> None:
    path = restli.path_key({"atsJobApplicationId": "A1", "integrationContext": "urn:li:organization:1"}, True)
    assert path == "(atsJobApplicationId:A1,integrationContext:urn%3Ali%3Aorganization%3A1)"


def test_a_protocol_1_path_key_is_the_key_string() -> None:
    assert restli.path_key(KEY, versioned=False) == restli.key_to_string(KEY)


def test_a_malformed_key_string_is_refused() -> None:
    with pytest.raises(ValueError, match="Rest.li 1.0"):
        restli.parse_key("justanid")


@pytest.mark.parametrize(
    ("version", "path"), [(None, "/v2/atsCandidates"), ("202604", "/rest/atsCandidates")]
)
def test_resource_path_chooses_v2_or_rest_from_the_version(version: str | None, path: str) -> None:
    assert restli.resource_path("atsCandidates", version) == path


def test_the_versioned_surface_sends_version_and_protocol_headers() -> None:
    assert restli.version_headers(None) == {}
    assert restli.version_headers("202604") == {
        "LinkedIn-Version": "202604",
        "X-Restli-Protocol-Version": "2.0.0",
    }


def test_simple_ids_in_both_protocols() -> None:
    assert restli.simple_ids_query(["N1", "N 2"], versioned=False) == "ids=N1&ids=N%202"
    assert restli.simple_ids_query(["N1", "N2"], versioned=True) == "ids=List(N1,N2)"


def test_a_short_get_is_sent_as_is() -> None:
    prepared = restli.tunnel_if_needed("GET", "http://h/v2/x", "a=1", has_body=False)
    assert prepared == restli.PreparedRequest(method="GET", url="http://h/v2/x?a=1", headers={})


def test_a_get_over_4000_characters_is_tunnelled_as_a_form_post() -> None:
    # given
    query = restli.batch_ids_query([{**KEY, "atsCandidateId": f"C{i}"} for i in range(100)], versioned=False)
    # when
    prepared = restli.tunnel_if_needed("GET", "http://h/v2/atsCandidates", query, has_body=False)
    # then
    assert prepared.method == "POST"
    assert prepared.url == "http://h/v2/atsCandidates"
    assert prepared.headers == {
        "X-HTTP-Method-Override": "GET",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    assert prepared.form_body == query
    assert dict(parse_qsl(prepared.form_body or ""))["ids[99].atsCandidateId"] == "C99"


def test_a_long_call_with_a_body_is_never_tunnelled() -> None:
    prepared = restli.tunnel_if_needed("PUT", "http://h/v2/x", "a=" + "x" * 5000, has_body=True)
    assert prepared.method == "PUT"
    assert prepared.form_body is None
