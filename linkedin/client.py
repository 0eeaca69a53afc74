"""The LinkedIn RSC client: typed calls over one aiohttp session, with auth, retries, paging and batching."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import aiohttp
import yarl

from linkedin import restli, wire
from linkedin.auth import TokenProvider
from linkedin.config import LinkedInConfig
from linkedin.errors import (
    LinkedInAuthError,
    LinkedInBadRequest,
    LinkedInNotFound,
    LinkedInRateLimited,
    LinkedInServerError,
    LinkedInTransportError,
    decode_response,
)
from linkedin.observer import CallObserver, NoObserver, endpoint_name
from linkedin.records import (
    RSC_INTEGRATIONS,
    AtsIntegration,
    BatchItemError,
    BatchResult,
    CandidateMatch,
    ConfigurationKey,
    ConversationEvent,
    ExportedCandidate,
    IntegrationType,
    JobPostingTask,
    MailStub,
    ProspectNote,
    PurgedExportedCandidate,
    Seat,
    TokenIntrospection,
)
from linkedin.retry import RetryPolicy, effective_method

log = logging.getLogger("rscgraph.linkedin")

MAX_BATCH = 100
# The largest finder page LinkedIn serves (Rest.li `count`; its examples and the sandbox stop at 100):
# the fewest round trips per window.
MAX_PAGE_SIZE = 100
MAX_WINDOW = timedelta(hours=12)
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = MAX_BATCH) -> Iterable[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_window(start: datetime, end: datetime) -> None:
    if end < start:
        raise ValueError("the window must not end before it starts")
    if end - start > MAX_WINDOW:
        raise ValueError("LinkedIn answers windows of at most 12 h: split the window")


class LinkedInClient:
    """Typed access to the RSC APIs of one customer (one child app, one org and contract)."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        config: LinkedInConfig,
        *,
        policy: RetryPolicy | None = None,
        tokens: TokenProvider | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self._http = http
        self._config = config
        self._policy = policy or RetryPolicy.from_config(config)
        self._observer: CallObserver = observer or NoObserver()
        self._tokens = tokens or TokenProvider(http, config, policy=self._policy, observer=self._observer)
        self._timeout = aiohttp.ClientTimeout(total=config.request_timeout_s)
        self._versioned = config.versioned

    @property
    def config(self) -> LinkedInConfig:
        """The configuration this client speaks with."""
        return self._config

    @property
    def tokens(self) -> TokenProvider:
        """The token provider: the credentials' last check, and new credentials when they change."""
        return self._tokens

    # --- transport ---------------------------------------------------------------------------------

    def _url(self, resource: str) -> str:
        return self._config.api_base_url.rstrip("/") + restli.resource_path(
            resource, self._config.api_version
        )

    async def _send(
        self,
        method: str,
        resource: str,
        *,
        query: str = "",
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        restli_method: str | None = None,
    ) -> Any:
        """One logical call: auth, tunnelling, retries of idempotent calls, 401 renewal, decoding."""
        prepared = restli.tunnel_if_needed(
            method,
            self._url(resource),
            query,
            has_body=json is not None,
            max_url_length=self._config.max_url_length,
        )
        real_method = effective_method(prepared.method, prepared.headers.get("X-HTTP-Method-Override"))
        base_headers = {
            **restli.version_headers(self._config.api_version),
            **prepared.headers,
            **(headers or {}),
        }
        if restli_method:
            base_headers["X-RestLi-Method"] = restli_method
        where = f"{real_method} {resource}"
        endpoint = endpoint_name(resource)
        attempt = 0
        renewed = False
        while True:
            attempt += 1
            token = await self._tokens.get()
            try:
                return await self._request_once(endpoint, attempt, prepared, token, base_headers, json)
            except LinkedInAuthError as exc:
                if exc.status != 401 or renewed:
                    raise
                # A token can die before its announced expiry (revoked, server restart): renew once.
                log.warning("LinkedIn %s: 401 (%s); renewing the token and retrying once", where, exc.message)
                self._tokens.invalidate(token)
                renewed = True
                attempt -= 1
                continue
            except LinkedInRateLimited as exc:
                wait = self._policy.rate_limit_delay(real_method, exc.retry_after, attempt)
                if wait is None:
                    raise
                log.warning("LinkedIn %s: attempt %d got 429; retrying after %.1f s", where, attempt, wait)
            except LinkedInServerError as exc:
                if not self._policy.retries_status(real_method, exc.status, attempt):
                    raise
                wait = self._policy.delay(attempt)
                log.warning(
                    "LinkedIn %s: attempt %d got %d; retrying in %.2f s", where, attempt, exc.status, wait
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                if not self._policy.can_retry(real_method, attempt):
                    raise LinkedInTransportError(
                        f"{where} failed after {attempt} attempt(s): {exc!r}"
                    ) from exc
                wait = self._policy.delay(attempt)
                log.warning(
                    "LinkedIn %s: attempt %d failed (%r); retrying in %.2f s", where, attempt, exc, wait
                )
            await self._policy.sleep(wait)

    async def _request_once(
        self,
        endpoint: str,
        attempt: int,
        prepared: restli.PreparedRequest,
        token: str,
        headers: Mapping[str, str],
        json: Any,
    ) -> Any:
        all_headers = {**headers, **self._observer.headers(), "Authorization": f"Bearer {token}"}
        data: str | None = prepared.form_body
        started = time.perf_counter()
        status: int | None = None
        try:
            async with self._http.request(
                prepared.method,
                yarl.URL(prepared.url, encoded=True),
                headers=all_headers,
                json=json,
                data=data,
                timeout=self._timeout,
            ) as resp:
                body = await resp.read()
                status = resp.status  # after the body: a call cut off mid-body got no answer
                return decode_response(resp.status, resp.headers, body)
        finally:
            self._observer.on_call(endpoint, status, time.perf_counter() - started, attempt)

    async def iter_elements(
        self, resource: str, params: restli.QueryParams, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Every element of a finder, page by page (start/count); stops after a short page."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{MAX_PAGE_SIZE}")
        start = 0
        while True:
            query = restli.encode_query([*params, ("start", str(start)), ("count", str(page_size))])
            items = wire.elements(await self._send("GET", resource, query=query))
            for item in items:
                yield item
            if len(items) < page_size:
                return
            start += len(items)

    # --- Recruiter data (CSA_API, contract URN) ------------------------------------------------------

    async def seats(self, page_size: int = MAX_PAGE_SIZE) -> list[Seat]:
        """Every seat of the configured contract (seatsV2)."""
        params = [("q", "attributes"), ("contracts", self._config.contract_urn)]
        return [wire.parse_seat(e) async for e in self.iter_elements("seatsV2", params, page_size)]

    def conversation_events(
        self, seat_urn: str, start: datetime, end: datetime, page_size: int = MAX_PAGE_SIZE
    ) -> AsyncIterator[ConversationEvent]:
        """InMails seen by `seat_urn` created in [start, end); raises ValueError at once past 12 h."""
        _check_window(start, end)
        params = [
            ("q", "criteria"),
            ("viewer", seat_urn),
            ("timeRange.start", str(wire.to_epoch_ms(start))),
            ("timeRange.end", str(wire.to_epoch_ms(end))),
        ]
        return self._parsed("conversationEvents", params, page_size, wire.parse_conversation_event)

    def prospect_notes(
        self,
        owner_seat_urns: Sequence[str],
        cutoff: datetime,
        before: datetime,
        page_size: int = MAX_PAGE_SIZE,
    ) -> AsyncIterator[ProspectNote]:
        """Notes of these seats last modified within [cutoff, before]; raises ValueError at once past 12 h."""
        _check_window(cutoff, before)
        params = [
            ("q", "criteria"),
            ("contract", self._config.contract_urn),
            *(("owners", urn) for urn in owner_seat_urns),
            ("cutoffDate", str(wire.to_epoch_ms(cutoff))),
            ("beforeDate", str(wire.to_epoch_ms(before))),
        ]
        return self._parsed("prospectNotes", params, page_size, wire.parse_prospect_note)

    def mail_stubs(
        self,
        owner_seat_urns: Sequence[str],
        created_start: datetime | None,
        created_end: datetime | None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> AsyncIterator[MailStub]:
        """Stub profiles shared with these seats, created in [created_start, created_end) (None: open)."""
        params = [
            ("q", "contract"),
            ("contract", self._config.contract_urn),
            *(("owners", urn) for urn in owner_seat_urns),
        ]
        if created_start is not None:
            params.append(("createdDateStart", str(wire.to_epoch_ms(created_start))))
        if created_end is not None:
            params.append(("createdDateEnd", str(wire.to_epoch_ms(created_end))))
        return self._parsed("mailStubs", params, page_size, wire.parse_mail_stub)

    async def _parsed(
        self, resource: str, params: restli.QueryParams, page_size: int, parse: Callable[[object], T]
    ) -> AsyncIterator[T]:
        async for element in self.iter_elements(resource, params, page_size):
            yield parse(element)

    # --- candidates ----------------------------------------------------------------------------------

    def _candidate_key(self, ats_candidate_id: str) -> dict[str, str]:
        return wire.candidate_key(ats_candidate_id, self._config.org_urn)

    def _application_key(self, ats_application_id: str) -> dict[str, str]:
        return wire.application_key(ats_application_id, self._config.org_urn, versioned=self._versioned)

    @staticmethod
    def _id_field(field: str) -> Callable[[str], str]:
        def id_of(wire_key: str) -> str:
            return restli.parse_key(wire_key).get(field, wire_key)

        return id_of

    async def candidate_matches(self, ats_candidate_ids: Sequence[str]) -> dict[str, CandidateMatch]:
        """LinkedIn's member matches per candidate (BATCH_GET, ≤100 per call); unknown ids are absent."""
        matches: dict[str, CandidateMatch] = {}
        id_of = self._id_field(wire.CANDIDATE_ID_FIELD)
        for chunk in _chunks(list(dict.fromkeys(ats_candidate_ids))):
            query = restli.join_query(
                restli.batch_ids_query([self._candidate_key(i) for i in chunk], self._versioned),
                restli.encode_query([("fields", wire.MATCH_FIELDS)]),
            )
            results, errors = wire.batch_get_maps(await self._send("GET", "atsCandidates", query=query))
            for key, entity in results.items():
                ats_id = id_of(key)
                matches[ats_id] = wire.parse_candidate_match(ats_id, entity)
            for key, error in errors.items():
                item = wire.parse_item_error(error)
                if item.status != 404:
                    log.warning("LinkedIn atsCandidates BATCH_GET: %s failed: %s", id_of(key), item)
        return matches

    async def candidates_absent(self, ats_candidate_ids: Sequence[str]) -> set[str]:
        """The ids among these LinkedIn answers 404 for (it holds no such candidate); a key it answers
        otherwise is not among them (BATCH_GET, ≤100 per call)."""
        absent: set[str] = set()
        id_of = self._id_field(wire.CANDIDATE_ID_FIELD)
        for chunk in _chunks(list(dict.fromkeys(ats_candidate_ids))):
            query = restli.join_query(
                restli.batch_ids_query([self._candidate_key(i) for i in chunk], self._versioned),
                restli.encode_query([("fields", wire.MATCH_FIELDS)]),
            )
            _, errors = wire.batch_get_maps(await self._send("GET", "atsCandidates", query=query))
            absent |= {
                id_of(key) for key, error in errors.items() if wire.parse_item_error(error).status == 404
            }
        return absent

    async def _batch_write(
        self,
        method: str,
        resource: str,
        keys: Mapping[str, Mapping[str, str]],
        entities: Mapping[str, Any] | None,
        restli_method: str | None,
        id_field: str | Callable[[str], str],
    ) -> BatchResult:
        result = BatchResult()
        id_of = self._id_field(id_field) if isinstance(id_field, str) else id_field
        for chunk in _chunks(list(keys)):
            query = restli.batch_ids_query([keys[i] for i in chunk], self._versioned)
            body = None
            if entities is not None:
                body = {"entities": {restli.encode_key(keys[i], self._versioned): entities[i] for i in chunk}}
            data = await self._send(method, resource, query=query, json=body, restli_method=restli_method)
            result = result.merge(wire.parse_batch_result(data, id_of))
        return result

    async def _sub_batch_write(
        self,
        method: str,
        resource: str,
        ids: Sequence[str],
        entities: Mapping[str, Any] | None,
        restli_method: str | None,
    ) -> BatchResult:
        result = BatchResult()
        for chunk in _chunks(list(ids)):
            query = restli.simple_ids_query(chunk, self._versioned)
            body = None if entities is None else {"entities": {i: entities[i] for i in chunk}}
            data = await self._send(method, resource, query=query, json=body, restli_method=restli_method)
            result = result.merge(wire.parse_batch_result(data, str))
        return result

    async def upsert_candidates(self, candidates: Mapping[str, Mapping[str, Any]]) -> BatchResult:
        """Create or replace candidates (batch_update); bodies come from `wire.candidate_to_wire`."""
        keys = {i: self._candidate_key(i) for i in candidates}
        return await self._batch_write(
            "PUT", "atsCandidates", keys, candidates, "batch_update", wire.CANDIDATE_ID_FIELD
        )

    async def delete_candidates(self, ats_candidate_ids: Sequence[str]) -> BatchResult:
        """Delete candidates (BATCH_DELETE)."""
        keys = {i: self._candidate_key(i) for i in ats_candidate_ids}
        return await self._batch_write("DELETE", "atsCandidates", keys, None, None, wire.CANDIDATE_ID_FIELD)

    async def set_manual_match(self, ats_candidate_id: str, person_urn: str | None) -> BatchResult:
        """Attach `person_urn` as the candidate's manual match, or remove it when None."""
        keys = {ats_candidate_id: self._candidate_key(ats_candidate_id)}
        patch = {ats_candidate_id: wire.manual_match_patch(person_urn)}
        # A partial update is a POST: never replayed, like every POST.
        return await self._batch_write(
            "POST", "atsCandidates", keys, patch, "batch_partial_update", wire.CANDIDATE_ID_FIELD
        )

    def _candidate_sub(self, ats_candidate_id: str, sub: str) -> str:
        return (
            f"atsCandidates/{restli.path_key(self._candidate_key(ats_candidate_id), self._versioned)}/{sub}"
        )

    def _application_sub(self, ats_application_id: str, sub: str) -> str:
        key = restli.path_key(self._application_key(ats_application_id), self._versioned)
        return f"atsApplications/{key}/{sub}"

    async def upsert_candidate_notes(
        self, ats_candidate_id: str, notes: Mapping[str, Mapping[str, Any]]
    ) -> BatchResult:
        """Create or replace a candidate's notes; bodies come from `wire.note_to_wire`."""
        path = self._candidate_sub(ats_candidate_id, "notes")
        return await self._sub_batch_write("PUT", path, list(notes), notes, "batch_update")

    async def delete_candidate_notes(self, ats_candidate_id: str, note_ids: Sequence[str]) -> BatchResult:
        """Delete a candidate's notes."""
        return await self._sub_batch_write(
            "DELETE", self._candidate_sub(ats_candidate_id, "notes"), note_ids, None, None
        )

    # --- ACLs (atsEntityAcls, atsEntityAclAssignees) ---------------------------------------------------
    # Our ids for ACL records are pairs: `group|job posting` and `group|person URN`.

    @staticmethod
    def _pair_of(second_field: str) -> Callable[[str], str]:
        def id_of(wire_key: str) -> str:
            fields = restli.parse_key(wire_key)
            return f"{fields.get(wire.ACL_ID_FIELD, '')}|{fields.get(second_field, wire_key)}"

        return id_of

    async def _acl_ids(self, endpoint: str, params: Any) -> set[str]:
        found = set()
        async for element in self.iter_elements(endpoint, params, page_size=100):
            acl_id = wire.parse_acl_id(element)
            if acl_id is not None:
                found.add(acl_id)
        return found

    async def _acl_write(
        self, method: str, endpoint: str, keys: dict[str, Any], second_field: str
    ) -> BatchResult:
        # LinkedIn's ACL records carry nothing but their key: an empty body per key.
        entities: dict[str, Any] | None = {i: {} for i in keys} if method == "PUT" else None
        restli_method = "batch_update" if method == "PUT" else None
        id_of = self._pair_of(second_field)
        return await self._batch_write(method, endpoint, keys, entities, restli_method, id_of)

    async def entity_acl_ids(self, job_posting_id: str) -> set[str]:
        """The groups LinkedIn holds as ACLs of one job posting (`q=criteria`, paged)."""
        return await self._acl_ids(
            "atsEntityAcls", wire.entity_acls_criteria(self._config.org_urn, job_posting_id)
        )

    async def _entity_acls(self, method: str, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        org = self._config.org_urn
        keys = {f"{acl}|{job}": wire.entity_acl_key(acl, org, job) for acl, job in pairs}
        return await self._acl_write(method, "atsEntityAcls", keys, wire.ACL_ENTITY_ID_FIELD)

    async def upsert_entity_acls(self, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        """Secure job postings by groups: (group id, externalJobPostingId) pairs, ids `group|job`."""
        return await self._entity_acls("PUT", pairs)

    async def delete_entity_acls(self, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        """Take groups off job postings: (group id, externalJobPostingId) pairs, ids `group|job`."""
        return await self._entity_acls("DELETE", pairs)

    async def assignee_acl_ids(self, person_urn: str) -> set[str]:
        """The groups LinkedIn has one member assigned to for job postings (`q=criteria`, paged)."""
        return await self._acl_ids(
            "atsEntityAclAssignees", wire.acl_assignees_criteria(self._config.org_urn, person_urn)
        )

    async def _assignees(self, method: str, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        org = self._config.org_urn
        keys = {f"{acl}|{urn}": wire.acl_assignee_key(acl, org, urn) for acl, urn in pairs}
        return await self._acl_write(method, "atsEntityAclAssignees", keys, wire.ACL_ASSIGNEE_FIELD)

    async def upsert_acl_assignees(self, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        """Assign members to groups: (group id, person URN) pairs, ids `group|urn`."""
        return await self._assignees("PUT", pairs)

    async def delete_acl_assignees(self, pairs: Sequence[tuple[str, str]]) -> BatchResult:
        """Unassign members from groups: (group id, person URN) pairs, ids `group|urn`."""
        return await self._assignees("DELETE", pairs)

    # --- One-Click Export ----------------------------------------------------------------------------

    async def exported_candidate(self, request_id: str) -> ExportedCandidate:
        """The member exported by One-Click Export request `request_id`."""
        query = restli.encode_query([("q", "request"), ("requestId", request_id)])
        items = wire.elements(await self._send("GET", "exportedCandidates", query=query))
        if not items:
            raise LinkedInNotFound(404, None, f"no exported candidate for request {request_id}", None)
        return wire.parse_exported_candidate(items[0])

    def purged_exported_candidates(
        self, purged_after: datetime | None = None, page_size: int = 100
    ) -> AsyncIterator[PurgedExportedCandidate]:
        """Members exported to this customer whose profiles LinkedIn has since closed or purged
        (atsPurgedExportedCandidates), purged after `purged_after` (None: all LinkedIn lists)."""
        params = wire.purged_candidates_criteria(self._config.org_urn, purged_after)
        return self._parsed(wire.PURGED_RESOURCE, params, page_size, wire.parse_purged_exported_candidate)

    async def delete_callback_url(self) -> None:
        """Remove the ONE_CLICK_EXPORT CALLBACK_URL (offboarding: LinkedIn pushes nothing more); a
        configuration already gone counts as removed."""
        key = wire.integration_key(self._config.org_urn, "ONE_CLICK_EXPORT")
        resource = f"atsIntegrations/{restli.path_key(key, self._versioned)}/configurations"
        result = await self._sub_batch_write("DELETE", resource, ["CALLBACK_URL"], None, None)
        error = result.errors.get("CALLBACK_URL")
        if error is not None and error.status != 404:
            raise LinkedInBadRequest(error.status, error.service_error_code, error.message, None)

    async def set_callback_url(self, url: str) -> None:
        """Register the ONE_CLICK_EXPORT CALLBACK_URL where LinkedIn pushes export notifications."""
        key = wire.integration_key(self._config.org_urn, "ONE_CLICK_EXPORT")
        resource = f"atsIntegrations/{restli.path_key(key, self._versioned)}/configurations"
        result = await self._sub_batch_write(
            "PUT", resource, ["CALLBACK_URL"], {"CALLBACK_URL": wire.callback_url_config(url)}, "batch_update"
        )
        if error := result.errors.get("CALLBACK_URL"):
            raise LinkedInBadRequest(error.status, error.service_error_code, error.message, None)

    # --- customer integrations (atsIntegrations) ----------------------------------------------------

    def _integration_key(self, integration_type: IntegrationType) -> dict[str, str]:
        context = wire.integration_context(integration_type, self._config.org_urn, self._config.contract_urn)
        return wire.integration_key(context, integration_type.value)

    def _integration_type_of(self, wire_key: str) -> str:
        return restli.parse_key(wire_key).get("integrationType", wire_key)

    async def name_integrations(self, names: Mapping[IntegrationType, str]) -> BatchResult:
        """Create or rename integrations (batch_partial_update `$set integrationName`); ids are type names.

        Names come from `wire.integration_name`; CSA_API is keyed by the contract URN, the rest by the org.
        """
        keys = {t.value: self._integration_key(t) for t in names}
        patches = {t.value: wire.integration_name_patch(n) for t, n in names.items()}
        result = BatchResult()
        for chunk in _chunks(list(keys)):
            query = restli.batch_ids_query([keys[i] for i in chunk], self._versioned)
            body = {"entities": {restli.encode_key(keys[i], self._versioned): patches[i] for i in chunk}}
            data = await self._send(
                "POST", "atsIntegrations", query=query, json=body, restli_method="batch_partial_update"
            )
            result = result.merge(wire.parse_batch_result(data, self._integration_type_of))
        return result

    async def integrations(
        self, integration_types: Sequence[IntegrationType] = RSC_INTEGRATIONS
    ) -> dict[IntegrationType, AtsIntegration]:
        """These integrations as LinkedIn has them (BATCH_GET); ones never named or authorized are absent."""
        keys = [self._integration_key(t) for t in dict.fromkeys(integration_types)]
        if not keys:
            return {}
        query = restli.batch_ids_query(keys, self._versioned)
        results, errors = wire.batch_get_maps(await self._send("GET", "atsIntegrations", query=query))
        found = [wire.parse_integration(entity) for entity in results.values()]
        for key, error in errors.items():
            item = wire.parse_item_error(error)
            if item.status != 404:
                log.warning("LinkedIn atsIntegrations BATCH_GET: %s failed: %s", key, item)
        return {i.integration_type: i for i in found}

    async def integration_status_change(self, request_id: str) -> list[AtsIntegration]:
        """The integrations an INTEGRATION_STATUS_CHANGE push (`request_id`) is about, as they are now."""
        query = restli.encode_query([("q", "request"), ("requestId", request_id)])
        items = wire.elements(await self._send("GET", "atsIntegrations", query=query))
        return [wire.parse_integration(e) for e in items]

    def _configurations(self, integration_type: IntegrationType) -> str:
        key = restli.path_key(self._integration_key(integration_type), self._versioned)
        return f"atsIntegrations/{key}/configurations"

    async def configurations(
        self, integration_type: IntegrationType, keys: Sequence[ConfigurationKey | str]
    ) -> dict[str, str]:
        """The values of these configuration keys of one integration (BATCH_GET); unset keys are absent."""
        ids = [k.value if isinstance(k, ConfigurationKey) else k for k in dict.fromkeys(keys)]
        if not ids:
            return {}
        query = restli.simple_ids_query(ids, self._versioned)
        resource = self._configurations(integration_type)
        results, _ = wire.batch_get_maps(await self._send("GET", resource, query=query))
        return {name: wire.parse_config_value(entity) for name, entity in results.items()}

    async def set_configurations(self, values: Mapping[ConfigurationKey, str]) -> BatchResult:
        """Set configuration values (batch_update), each under the integration its key belongs to."""
        result = BatchResult()
        by_type: dict[IntegrationType, dict[str, Any]] = {}
        for key, value in values.items():
            by_type.setdefault(key.integration_type, {})[key.value] = wire.string_config(value)
        for integration_type, entities in by_type.items():
            resource = self._configurations(integration_type)
            result = result.merge(
                await self._sub_batch_write("PUT", resource, list(entities), entities, "batch_update")
            )
        return result

    # --- jobs ----------------------------------------------------------------------------------------

    async def create_job_postings(self, jobs: Sequence[Mapping[str, Any]]) -> list[str | BatchItemError]:
        """Submit jobs (batch_create, never retried); per job in order, its task id or why it failed."""
        out: list[str | BatchItemError] = []
        for chunk in _chunks(list(jobs)):
            body = {"elements": list(chunk)}
            data = await self._send("POST", "simpleJobPostings", json=body, restli_method="batch_create")
            out.extend(wire.parse_batch_create(data))
        return out

    async def job_posting_tasks(self, task_ids: Sequence[str]) -> dict[str, JobPostingTask]:
        """The state of these job posting tasks; unknown ids are absent."""
        tasks: dict[str, JobPostingTask] = {}
        for chunk in _chunks(list(dict.fromkeys(task_ids))):
            query = restli.simple_ids_query(chunk, self._versioned)
            results, _ = wire.batch_get_maps(await self._send("GET", "simpleJobPostingTasks", query=query))
            for task_id, entity in results.items():
                tasks[task_id] = wire.parse_job_posting_task(task_id, entity)
        return tasks

    # --- applications --------------------------------------------------------------------------------

    async def upsert_applications(self, applications: Mapping[str, Mapping[str, Any]]) -> BatchResult:
        """Create or replace applications; bodies come from `wire.application_to_wire`."""
        keys = {i: self._application_key(i) for i in applications}
        return await self._batch_write(
            "PUT", "atsApplications", keys, applications, "batch_update", wire.APPLICATION_ID_FIELD
        )

    async def delete_applications(self, ats_application_ids: Sequence[str]) -> BatchResult:
        """Delete applications (LinkedIn cascades to their notes, feedback and stages)."""
        keys = {i: self._application_key(i) for i in ats_application_ids}
        return await self._batch_write(
            "DELETE", "atsApplications", keys, None, None, wire.APPLICATION_ID_FIELD
        )

    async def upsert_application_stages(
        self, ats_application_id: str, stages: Mapping[str, Mapping[str, Any]]
    ) -> BatchResult:
        """Create or replace an application's stages; bodies come from `wire.stage_to_wire`."""
        path = self._application_sub(ats_application_id, "stages")
        return await self._sub_batch_write("PUT", path, list(stages), stages, "batch_update")

    async def delete_application_stages(
        self, ats_application_id: str, stage_ids: Sequence[str]
    ) -> BatchResult:
        """Delete an application's stages."""
        path = self._application_sub(ats_application_id, "stages")
        return await self._sub_batch_write("DELETE", path, stage_ids, None, None)

    async def upsert_application_notes(
        self, ats_application_id: str, notes: Mapping[str, Mapping[str, Any]]
    ) -> BatchResult:
        """Create or replace an application's notes; bodies come from `wire.note_to_wire`."""
        path = self._application_sub(ats_application_id, "notes")
        return await self._sub_batch_write("PUT", path, list(notes), notes, "batch_update")

    async def delete_application_notes(self, ats_application_id: str, note_ids: Sequence[str]) -> BatchResult:
        """Delete an application's notes."""
        path = self._application_sub(ats_application_id, "notes")
        return await self._sub_batch_write("DELETE", path, note_ids, None, None)

    async def upsert_interview_feedback(
        self, ats_application_id: str, feedback: Mapping[str, Mapping[str, Any]]
    ) -> BatchResult:
        """Create or replace an application's interview feedback; bodies from `wire.feedback_to_wire`."""
        path = self._application_sub(ats_application_id, "interviewFeedback")
        return await self._sub_batch_write("PUT", path, list(feedback), feedback, "batch_update")

    async def delete_interview_feedback(
        self, ats_application_id: str, feedback_ids: Sequence[str]
    ) -> BatchResult:
        """Delete an application's interview feedback."""
        path = self._application_sub(ats_application_id, "interviewFeedback")
        return await self._sub_batch_write("DELETE", path, feedback_ids, None, None)

    # --- tokens --------------------------------------------------------------------------------------

    async def introspect_token(self) -> TokenIntrospection:
        """What LinkedIn says about the token this client currently uses."""
        return await self._tokens.introspect(await self._tokens.get())
