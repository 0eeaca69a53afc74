"""Onboarding a customer: its LinkedIn child app (provisioned with the partner app, or registered by
hand), its integrations named and configured, its initial sync started; and the status page's data.

Every step may be repeated. LinkedIn is asked first, the database written last in one transaction, so a
failure leaves either nothing stored or a customer from which calling again continues:
* Provisioning is idempotent on the uniqueForeignId (a second call finds the child app, never makes
  another). A provisioned customer is stored as soon as its app exists; its integrations are configured
  once its organization and contract URNs are known (LinkedIn gives them to the ATS through the
  configuration plugin's `onintegrate`), by calling `provision_customer` again with them.
* Naming integrations and setting configurations are idempotent on LinkedIn's side; the customer row,
  its integrations and the start of its initial sync commit together.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlencode

from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from linkedin import wire
from linkedin.client import LinkedInClient
from linkedin.config import LinkedInConfig
from linkedin.errors import LinkedInAuthError, LinkedInError
from linkedin.partner import LinkedInPartnerClient
from linkedin.records import (
    RSC_INTEGRATIONS,
    AtsIntegration,
    BatchResult,
    ConfigurationKey,
    IntegrationType,
    ProvisionedApplication,
)
from models import customer_queries
from models.ats import JobAvailability
from models.base import utcnow
from models.customer_integrations import CustomerIntegration, ReportedState, integrations_of
from models.customer_integrations import record_states as store_states
from models.customer_integrations import set_names as store_names
from models.customers import CUSTOMER_KEY_PATTERN, Customer, ProjectVisibility
from models.db import write_session
from models.integration import OutboxStatus, SyncEntity
from models.sync_statuses import customer_pending_enqueued_before, customer_status_counts
from resolvers import linkedin_faults
from resolvers.ats_writes.common import camel
from resolvers.ats_writes.validation import Checker
from resolvers.errors import Conflict, DomainError, Duplicate, InvalidInput, LinkedInUnavailable, NotFound
from resolvers.integration_status import CredentialsStatus, credentials_status
from resolvers.secret_box import last_four
from resolvers.services import Services
from resolvers.sync.plan import UPSERT_ORDER
from resolvers.tenants import ClientFactory, Tenant

log = logging.getLogger("rscgraph.onboarding")

# The Provisioning API's limit on a child app's name (§2.2).
MAX_APP_NAME = 50
MAX_NAME = 200
MAX_UNIQUE_FOREIGN_ID = 200
MAX_CLIENT_ID = 200
MAX_CLIENT_SECRET = 500
# What LinkedIn's customer-side defaults need for every product user to see jobs and applications; kept
# when the customer secures jobs with ACLs, so its unsecured jobs stay visible to everyone (README).
ALL_PRODUCT_USERS = wire.ALL_PRODUCT_USERS
WEBHOOK_PATH = "/webhooks/linkedin/{key}"
UNIQUE_FOREIGN_ID_PREFIX = "rscgraph:"
_ORG_URN = re.compile(r"urn:li:organization:[0-9]{1,19}")
_CONTRACT_URN = re.compile(r"urn:li:contract:[0-9]{1,19}")
_CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]+")
_KEY = re.compile(CUSTOMER_KEY_PATTERN)


class HistoryBackfill(Protocol):
    """Enqueues the customer's ATS history changed since `since` for LinkedIn in the caller's
    transaction (models.outbox_backfill.enqueue_history once it takes the customer)."""

    async def __call__(
        self, db: AsyncSession, customer_id: int, *, since: datetime, now: datetime
    ) -> Mapping[SyncEntity, int]: ...


@dataclass(frozen=True, slots=True)
class OnboardingConfig:
    """What onboarding reads from the settings."""

    ats_name: str
    # The server's public origin: callback URLs and the JS SDK domain.
    public_origin: str
    # LinkedIn's ATS Integration Configuration Plugin, before a customer's `api_key` is added.
    plugin_url: str
    backfill_span: timedelta = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class Onboarding:
    """What onboarding needs beyond the shared services: the partner app's client, how a customer's
    LinkedIn client is made before the customer is stored, and the initial backfill."""

    partner: LinkedInPartnerClient
    clients: ClientFactory
    config: OnboardingConfig
    backfill: HistoryBackfill


@dataclass(frozen=True, slots=True)
class ProvisionRequest:
    """Provision (or continue provisioning) a customer; the URNs, once known, configure it."""

    key: str
    name: str
    unique_foreign_id: str | None = None
    org_urn: str | None = None
    contract_urn: str | None = None
    job_availability: JobAvailability | None = None


@dataclass(frozen=True, slots=True)
class AddRequest:
    """Register a customer whose child app exists already (customers who have RSC credentials)."""

    key: str
    name: str
    client_id: str
    client_secret: SecretStr
    org_urn: str
    contract_urn: str
    job_availability: JobAvailability | None = None


@dataclass(frozen=True, slots=True)
class CustomerSettings:
    """The customer's own choices; None leaves one as it is."""

    job_availability: JobAvailability | None = None
    project_visibility: ProjectVisibility | None = None
    # Day counts the request sets, by setting name (PRIVACY_DAYS); a value of None turns one off.
    days: Mapping[str, int | None] = field(default_factory=dict)


# The customer's privacy settings in days (issue 11): `purged_profile_auto_erase_days` and
# `linkedin_mirror_retention_days`, each 1 to 3650 days or off (None).
PRIVACY_DAYS = ("purged_profile_auto_erase_days", "linkedin_mirror_retention_days")
MAX_DAYS = 3650


@dataclass(frozen=True, slots=True)
class IntegrationState:
    """One integration as the status page shows it."""

    type: IntegrationType
    name: str | None
    enabled: bool
    # LinkedIn's status string (PENDING, ENABLED…); None until LinkedIn reported one.
    state: str | None
    last_changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class EntityCounts:
    """How many records of one kind LinkedIn holds (sent) and refused (failed)."""

    entity: SyncEntity
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class InitialSync:
    """The initial sync: started with onboarding, complete once nothing it enqueued is pending."""

    started_at: datetime | None
    completed_at: datetime | None
    complete: bool
    counts: list[EntityCounts]


@dataclass(frozen=True, slots=True)
class IntegrationStatus:
    """The status page: integrations, credentials and the initial sync."""

    integrations: list[IntegrationState]
    credentials: CredentialsStatus
    initial_sync: InitialSync


@dataclass(frozen=True, slots=True)
class StatusChange:
    """What an INTEGRATION_STATUS_CHANGE's follow-up stored, and the integration types it named under
    an integrationContext that is not this customer's (refused, not stored)."""

    stored: list[IntegrationState]
    refused: list[str]


# --- names, values and checks ------------------------------------------------------------------------


def default_unique_foreign_id(key: str) -> str:
    """The uniqueForeignId of a customer provisioned without one: stable for its key."""
    return f"{UNIQUE_FOREIGN_ID_PREFIX}{key}"


def callback_url(config: OnboardingConfig, key: str) -> str:
    """The customer's own webhook URL (ONE_CLICK_EXPORT's CALLBACK_URL)."""
    return config.public_origin + WEBHOOK_PATH.format(key=key)


def app_name(ats_name: str, customer_name: str) -> str:
    """The child app's name, "<ATS> - <customer>", shortened to LinkedIn's 50 characters."""
    name = f"{ats_name} - {customer_name}"
    return name if len(name) <= MAX_APP_NAME else name[: MAX_APP_NAME - 1].rstrip() + "…"


def integration_names(ats_name: str, customer_name: str) -> dict[IntegrationType, str]:
    """The four integrations' names: "<ATS> - <customer> LinkedIn Recruiter … Integration"."""
    return {t: f"{ats_name} - {wire.integration_name(customer_name, t)}" for t in RSC_INTEGRATIONS}


def configuration_values(config: OnboardingConfig, key: str) -> dict[ConfigurationKey, str]:
    """CALLBACK_URL (the customer's webhook) and the two viewer configurations LinkedIn requires."""
    return {
        ConfigurationKey.CALLBACK_URL: callback_url(config, key),
        ConfigurationKey.JOB_POSTING_VIEWERS: ALL_PRODUCT_USERS,
        ConfigurationKey.APPLICATION_VIEWERS: ALL_PRODUCT_USERS,
    }


def plugin_url(config: OnboardingConfig, client_id: str) -> str:
    """Where the customer's admin pre-authorizes and enables the integrations of its child app."""
    return f"{config.plugin_url}?{urlencode({'api_key': client_id})}"


def _key(checker: Checker, value: str) -> str:
    if not _KEY.fullmatch(value):
        checker.fail(
            "key",
            f"{value[:60]!r} is not a customer key: 1 to 50 lower-case letters, digits and dashes, "
            "starting and ending with a letter or digit",
        )
    return value


def _urns(checker: Checker, org_urn: str | None, contract_urn: str | None) -> tuple[str, str] | None:
    org = (org_urn or "").strip()
    contract = (contract_urn or "").strip()
    if org and not _ORG_URN.fullmatch(org):
        checker.fail("organizationUrn", f"{org[:60]!r} is not an organization URN (urn:li:organization:N)")
    if contract and not _CONTRACT_URN.fullmatch(contract):
        checker.fail("contractUrn", f"{contract[:60]!r} is not a contract URN (urn:li:contract:N)")
    if bool(org) != bool(contract):
        missing = "contractUrn" if org else "organizationUrn"
        checker.fail(missing, "The organization and contract URNs are given together")
    return (org, contract) if org and contract else None


def _customer_name(checker: Checker, value: str) -> str:
    return checker.required_text(value, "name", max_len=MAX_NAME, label="Name")


def _check_provision(request: ProvisionRequest) -> tuple[str, str, tuple[str, str] | None]:
    checker = Checker()
    key = _key(checker, request.key)
    name = _customer_name(checker, request.name)
    if "linkedin" in name.lower():
        checker.fail("name", 'LinkedIn refuses a child app whose name contains "LinkedIn"')
    if request.unique_foreign_id is not None:
        foreign = request.unique_foreign_id
        if not foreign.strip() or foreign != foreign.strip() or len(foreign) > MAX_UNIQUE_FOREIGN_ID:
            checker.fail(
                "uniqueForeignId",
                f"A uniqueForeignId is 1 to {MAX_UNIQUE_FOREIGN_ID} characters without surrounding spaces",
            )
    urns = _urns(checker, request.org_urn, request.contract_urn)
    checker.done()
    return key, name, urns


def _check_add(request: AddRequest) -> tuple[str, str, str, tuple[str, str]]:
    checker = Checker()
    key = _key(checker, request.key)
    name = _customer_name(checker, request.name)
    client_id = request.client_id.strip()
    if not client_id or len(client_id) > MAX_CLIENT_ID or not _CLIENT_ID.fullmatch(client_id):
        checker.fail("clientId", f"A client id is 1 to {MAX_CLIENT_ID} letters, digits, dots and dashes")
    secret = request.client_secret.get_secret_value()
    if not secret.strip() or len(secret) > MAX_CLIENT_SECRET:
        checker.fail("clientSecret", f"The client secret must be 1 to {MAX_CLIENT_SECRET} characters")
    urns = _urns(checker, request.org_urn, request.contract_urn)
    if urns is None and not request.org_urn and not request.contract_urn:
        checker.fail("organizationUrn", "The organization URN is required")
        checker.fail("contractUrn", "The contract URN is required")
    checker.done()
    assert urns is not None
    return key, name, client_id, urns


def _duplicate(row: Customer, field: str, message: str) -> Duplicate:
    assert row.id is not None
    return Duplicate(message, field=field, existing_type="Customer", existing_id=row.id)


# --- LinkedIn -------------------------------------------------------------------------------------------


def _refusals(result: BatchResult, what: str, *, org_field: Mapping[str, str]) -> None:
    """Raise what LinkedIn refused of a batch write; LinkedIn's own text goes to the log."""
    if result.ok:
        return
    for item, error in result.errors.items():
        log.warning("LinkedIn refused to %s %s: %s %s", what, item, error.status, error.message)
    refused = sorted(result.errors)
    statuses = {error.status for error in result.errors.values()}
    if statuses <= {400, 403, 404, 422}:
        field = next((org_field[i] for i in refused if i in org_field), None)
        raise InvalidInput(
            f"LinkedIn refused to {what} {', '.join(refused)}: check that the organization and contract "
            "URNs are this customer's and that RSC_PUBLIC_BASE_URL is reachable by LinkedIn",
            field=field,
        )
    raise LinkedInUnavailable(f"LinkedIn could not {what} {', '.join(refused)}; try again")


_URN_FIELD = {t.value: ("contractUrn" if t.uses_contract else "organizationUrn") for t in IntegrationType}
_CONFIG_FIELD = {key.value: "organizationUrn" for key in ConfigurationKey}


async def configure_integrations(
    client: LinkedInClient, config: OnboardingConfig, *, key: str, name: str
) -> tuple[dict[str, str], list[ReportedState]]:
    """Name the four integrations, set CALLBACK_URL and the viewer configurations, and read back what
    LinkedIn holds of the integrations. Safe to repeat. Returns the names given and the states read."""
    names = integration_names(config.ats_name, name)
    named = await client.name_integrations(names)
    _refusals(named, "name the integrations", org_field=_URN_FIELD)
    configured = await client.set_configurations(configuration_values(config, key))
    _refusals(configured, "set the configurations", org_field=_CONFIG_FIELD)
    found = await client.integrations(RSC_INTEGRATIONS)
    return {t.value: n for t, n in names.items()}, [_reported(i) for i in found.values()]


def _reported(integration: AtsIntegration) -> ReportedState:
    return ReportedState(integration.integration_type.value, integration.enabled, integration.status)


def _linkedin_failure(exc: LinkedInError, prefix: str, *, credentials_field: str | None) -> DomainError:
    error = linkedin_faults.unavailable(exc, prefix=prefix)
    if isinstance(exc, LinkedInAuthError):
        error.field = credentials_field
    return error


# --- provisioning and registration ---------------------------------------------------------------------


async def provision_customer(services: Services, request: ProvisionRequest) -> Customer:
    """Provision the customer's child app with the partner app (found again, never made twice, for its
    uniqueForeignId), set its JS SDK domain, store the customer (secret encrypted); with its URNs, name
    and configure its integrations and start its initial sync. Calling again continues."""
    onboarding = _onboarding(services)
    config = onboarding.config
    key, name, urns = _check_provision(request)
    async with services.sessions() as db:
        existing = await _provisioned(db, key, request.unique_foreign_id)
    foreign_id = (
        request.unique_foreign_id
        or (existing.unique_foreign_id if existing is not None else None)
        or default_unique_foreign_id(key)
    )
    try:
        app = await onboarding.partner.provision_child_app(
            foreign_id, app_name(config.ats_name, name), js_sdk_domains=[config.public_origin]
        )
        # A found app keeps the domains it was made with: set them to this server's origin every time.
        await onboarding.partner.set_js_sdk_domains(app.urn, [config.public_origin])
    except LinkedInError as exc:
        log.warning("provisioning %s failed: %s", key, str(exc) or type(exc).__name__)
        raise _linkedin_failure(
            exc, "LinkedIn could not provision the customer's app; nothing was stored", credentials_field=None
        ) from exc
    async with services.sessions() as db:
        holder = await customer_queries.customer_by_client_id(db, app.client_id)
    if holder is not None and holder.key != key:
        # Its app is another customer's (added by hand): configuring it would point that one's callback here.
        raise _duplicate(holder, "uniqueForeignId", f"The customer {holder.key!r} has this child app already")
    if urns is None and existing is not None and existing.linkedin_org_urn:
        urns = (existing.linkedin_org_urn, existing.linkedin_contract_urn)
    setup = None
    if urns is not None:
        client = onboarding.clients(_app_config(onboarding, app, urns), key)
        setup = await _configure_or_explain(
            client, config, key=key, name=name, stored=existing is not None, credentials_field=None
        )
    row = _new_customer(key, name)
    try:
        async with write_session(services.sessions) as db:
            if existing is not None:
                row = await customer_queries.customer_by_key(db, key) or row
            row.unique_foreign_id = foreign_id
            row.linkedin_app_urn = app.urn
            _set_instance(services, row, name, app.client_id, app.client_secret, urns or ("", ""))
            if request.job_availability is not None:
                row.job_availability = request.job_availability
            await _store(db, onboarding, row, setup)
    except IntegrityError as exc:
        raise await _taken(services, row) from exc
    _forget(services, row)
    return row


async def add_customer(services: Services, request: AddRequest) -> Customer:
    """Register a customer whose child app exists (client id and secret, organization and contract
    URNs), then name and configure its integrations and start its initial sync; nothing is stored
    unless all of it succeeds."""
    onboarding = _onboarding(services)
    key, name, client_id, urns = _check_add(request)
    async with services.sessions() as db:
        taken = await customer_queries.customer_by_key(db, key)
        if taken is not None:
            raise _duplicate(taken, "key", f"A customer with the key {key!r} exists already")
        holder = await customer_queries.customer_by_client_id(db, client_id)
        if holder is not None:
            raise _duplicate(holder, "clientId", f"The customer {holder.key!r} has this client id already")
    app_config = onboarding.partner.config.for_app(
        client_id, request.client_secret, org_urn=urns[0], contract_urn=urns[1]
    )
    setup = await _configure_or_explain(
        onboarding.clients(app_config, key),
        onboarding.config,
        key=key,
        name=name,
        stored=False,
        credentials_field="clientSecret",
    )
    row = _new_customer(key, name)
    try:
        async with write_session(services.sessions) as db:
            _set_instance(services, row, name, client_id, request.client_secret, urns)
            if request.job_availability is not None:
                row.job_availability = request.job_availability
            await _store(db, onboarding, row, setup)
    except IntegrityError as exc:
        raise await _taken(services, row) from exc
    _forget(services, row)
    return row


def _new_customer(key: str, name: str) -> Customer:
    # Its LinkedIn instance is written by `_set_instance`.
    return Customer(
        key=key,
        name=name,
        linkedin_client_id="",
        linkedin_client_secret_encrypted="",
        linkedin_org_urn="",
        linkedin_contract_urn="",
    )


def _onboarding(services: Services) -> Onboarding:
    if services.onboarding is None:
        raise RuntimeError("onboarding is not wired into these services (app/services.py builds it)")
    return services.onboarding


async def _provisioned(db: AsyncSession, key: str, foreign_id: str | None) -> Customer | None:
    """The customer this provisioning continues, if any; a key or uniqueForeignId of another is refused."""
    by_key = await customer_queries.customer_by_key(db, key)
    if by_key is not None:
        if by_key.unique_foreign_id is None:
            raise _duplicate(by_key, "key", f"A customer with the key {key!r} exists already (added by hand)")
        if foreign_id is not None and foreign_id != by_key.unique_foreign_id:
            raise _duplicate(
                by_key,
                "uniqueForeignId",
                f"The customer {key!r} was provisioned with another uniqueForeignId",
            )
        return by_key
    wanted = foreign_id or default_unique_foreign_id(key)
    holder = await customer_queries.customer_by_unique_foreign_id(db, wanted)
    if holder is not None:
        raise _duplicate(
            holder,
            "uniqueForeignId",
            f"The customer {holder.key!r} was provisioned with this uniqueForeignId",
        )
    return None


def _app_config(onboarding: Onboarding, app: ProvisionedApplication, urns: tuple[str, str]) -> LinkedInConfig:
    return onboarding.partner.child_config(app, org_urn=urns[0], contract_urn=urns[1])


async def _configure_or_explain(
    client: LinkedInClient,
    config: OnboardingConfig,
    *,
    key: str,
    name: str,
    stored: bool,
    credentials_field: str | None,
) -> tuple[dict[str, str], list[ReportedState]]:
    try:
        return await configure_integrations(client, config, key=key, name=name)
    except LinkedInError as exc:
        log.warning("configuring the integrations of %s failed: %s", key, str(exc) or type(exc).__name__)
        done = "the customer is stored as it was" if stored else "nothing was stored"
        raise _linkedin_failure(
            exc,
            f"LinkedIn could not configure the integrations ({done}; try again)",
            credentials_field=credentials_field,
        ) from exc


def _set_instance(
    services: Services,
    row: Customer,
    name: str,
    client_id: str,
    client_secret: SecretStr,
    urns: tuple[str, str],
) -> None:
    """Write the customer's name and LinkedIn instance onto its row; its version (`updated_at`, which
    rebuilds its tenant) moves only when one of them changed."""
    box = services.tenants.box
    secret_changed = (
        not row.linkedin_client_secret_encrypted
        or box.decrypt(row.linkedin_client_secret_encrypted).get_secret_value()
        != client_secret.get_secret_value()
    )
    before = (row.name, row.linkedin_client_id, row.linkedin_org_urn, row.linkedin_contract_urn)
    after = (name, client_id, urns[0], urns[1])
    if secret_changed:
        row.linkedin_client_secret_encrypted = box.encrypt(client_secret)
    row.name, row.linkedin_client_id, row.linkedin_org_urn, row.linkedin_contract_urn = after
    if secret_changed or before != after:
        row.updated_at = utcnow()


async def _store(
    db: AsyncSession,
    onboarding: Onboarding,
    row: Customer,
    setup: tuple[dict[str, str], list[ReportedState]] | None,
) -> None:
    """The customer row, its integrations and the start of its initial sync, in the caller's transaction
    (an IntegrityError when another customer holds its key or client id)."""
    db.add(row)
    await db.flush()
    assert row.id is not None
    if setup is None:
        return
    now = utcnow()
    names, states = setup
    await store_names(db, row.id, names, now=now)
    await store_states(db, row.id, states, now=now)
    if row.initial_sync_started_at is None:
        row.initial_sync_started_at = now
        counts = await onboarding.backfill(db, row.id, since=now - onboarding.config.backfill_span, now=now)
        db.add(row)
        log.info(
            "initial sync of %s started: %s",
            row.key,
            ", ".join(f"{entity.value.lower()} {n}" for entity, n in counts.items()) or "nothing to send",
        )


async def _taken(services: Services, row: Customer) -> DomainError:
    """Why the customer's row was refused: another customer holds its key or client id."""
    async with services.sessions() as db:
        by_key = await customer_queries.customer_by_key(db, row.key)
        by_client = await customer_queries.customer_by_client_id(db, row.linkedin_client_id)
    if by_key is not None and by_key.unique_foreign_id != row.unique_foreign_id:
        return _duplicate(by_key, "key", f"A customer with the key {row.key!r} exists already")
    if by_client is not None and by_client.key != row.key:
        return _duplicate(by_client, "clientId", f"The customer {by_client.key!r} has this client id already")
    return Conflict("Another onboarding of this customer ran at the same moment; try again")


def _forget(services: Services, row: Customer) -> None:
    assert row.id is not None
    services.tenants.forget(row.id)


async def update_customer_settings(
    services: Services, customer_id: int, settings: CustomerSettings
) -> Customer:
    """Store the customer's choices (job availability: where its new jobs go on LinkedIn; project
    visibility: who sees PROJECT-visible InMails and notes, read by the queries from the row itself)."""
    async with write_session(services.sessions) as db:
        row = await customer_queries.customer_by_id(db, customer_id)
        if row is None:
            raise NotFound("No customer has this id", field="id")
        if settings.job_availability is not None:
            row.job_availability = settings.job_availability
        if settings.project_visibility is not None:
            row.project_visibility = settings.project_visibility
        for name, value in settings.days.items():
            if name not in PRIVACY_DAYS:
                raise InvalidInput(f"Unknown setting {name}", field=name)
            if value is not None and not 1 <= value <= MAX_DAYS:
                raise InvalidInput(f"Give 1 to {MAX_DAYS} days, or null to turn it off", field=camel(name))
            setattr(row, name, value)
        db.add(row)
    return row


# --- INTEGRATION_STATUS_CHANGE ------------------------------------------------------------------------


async def record_integration_status_change(
    services: Services, tenant: Tenant, request_id: str
) -> StatusChange:
    """The follow-up of an INTEGRATION_STATUS_CHANGE push (`request_id`): ask LinkedIn which of the
    customer's integrations changed, and store each one's state. Integrations under another customer's
    integrationContext are refused (logged, not stored). app/webhooks.py calls this for the push."""
    try:
        changed = await tenant.linkedin.integration_status_change(request_id)
    except LinkedInError as exc:
        log.warning("the status change %s of %s could not be read: %s", request_id, tenant.key, exc)
        raise linkedin_faults.unavailable(
            exc, prefix="The integration status change could not be read"
        ) from exc
    own = [i for i in changed if i.integration_context == _context(tenant, i.integration_type)]
    refused = [i.integration_type.value for i in changed if i not in own]
    if refused:
        log.warning(
            "status change %s of %s names integrations of another integrationContext: %s",
            request_id,
            tenant.key,
            ", ".join(refused),
        )
    async with write_session(services.sessions) as db:
        rows = await store_states(db, tenant.id, [_reported(i) for i in own], now=utcnow())
        stored = [_state(row) for row in rows if _known_type(row.type)]
    return StatusChange(stored=stored, refused=refused)


def _context(tenant: Tenant, integration_type: IntegrationType) -> str:
    return tenant.contract_urn if integration_type.uses_contract else tenant.org_urn


# --- the status page ----------------------------------------------------------------------------------


def _known_type(value: str) -> bool:
    return value in IntegrationType._value2member_map_


def _state(row: CustomerIntegration) -> IntegrationState:
    return IntegrationState(
        type=IntegrationType(row.type),
        name=row.name,
        enabled=row.enabled,
        state=row.state,
        last_changed_at=row.last_change_at,
    )


async def integrations(services: Services, customer_id: int) -> list[IntegrationState]:
    """The four RSC integrations (not yet named ones too, disabled), then any other LinkedIn reported."""
    async with services.sessions() as db:
        rows = {row.type: row for row in await integrations_of(db, customer_id) if _known_type(row.type)}
    shown = [
        _state(rows[t.value])
        if t.value in rows
        else IntegrationState(type=t, name=None, enabled=False, state=None, last_changed_at=None)
        for t in RSC_INTEGRATIONS
    ]
    rsc = {t.value for t in RSC_INTEGRATIONS}
    return shown + [_state(row) for kind, row in sorted(rows.items()) if kind not in rsc]


async def initial_sync(services: Services, customer: Customer) -> InitialSync:
    """Started with onboarding; complete once none of the customer's outbox rows enqueued up to its start
    is pending (the moment it is first seen complete is recorded). Counts per kind of record."""
    assert customer.id is not None
    started = customer.initial_sync_started_at
    completed = customer.initial_sync_completed_at
    async with services.sessions() as db:
        counts = await customer_status_counts(db, customer.id)
        drained = (
            started is not None
            and completed is None
            and await customer_pending_enqueued_before(db, customer.id, started) == 0
        )
        if drained:
            completed = await customer_queries.mark_initial_sync_completed(db, customer.id, utcnow())
            await db.commit()
            customer.initial_sync_completed_at = completed
    return InitialSync(
        started_at=started,
        completed_at=completed,
        complete=completed is not None,
        counts=[
            EntityCounts(
                entity,
                counts.get((entity, OutboxStatus.SENT), 0),
                counts.get((entity, OutboxStatus.PARKED), 0),
            )
            for entity in UPSERT_ORDER
        ],
    )


async def credentials(services: Services, tenant: Tenant) -> CredentialsStatus:
    """The customer's credentials: the last token call's result (one is made now if none was yet)."""
    return await credentials_status(services, tenant)


async def integration_status(services: Services, tenant: Tenant) -> IntegrationStatus:
    """The status page's data for one customer (`rscgraph customers show`, `linkedinIntegration`)."""
    async with services.sessions() as db:
        customer = await customer_queries.customer_by_id(db, tenant.id)
    if customer is None:
        raise NotFound("No customer has this id", field="id")
    return IntegrationStatus(
        integrations=await integrations(services, tenant.id),
        credentials=await credentials(services, tenant),
        initial_sync=await initial_sync(services, customer),
    )


def client_secret_last_four(services: Services, customer: Customer) -> str:
    """What may be shown of the customer's client secret: its last four characters at most."""
    return last_four(services.tenants.box.decrypt(customer.linkedin_client_secret_encrypted))


def customer_plugin_url(services: Services, customer: Customer) -> str:
    """The configuration plugin of the customer's child app."""
    return plugin_url(_onboarding(services).config, customer.linkedin_client_id)


async def customers_page(services: Services, *, offset: int, limit: int) -> tuple[Sequence[Customer], int]:
    """A page of every customer, oldest first, and their number (operators only)."""
    async with services.sessions() as db:
        return await customer_queries.customers_page(db, offset=offset, limit=limit)


async def customer(services: Services, customer_id: int) -> Customer | None:
    """One customer's row."""
    async with services.sessions() as db:
        return await customer_queries.customer_by_id(db, customer_id)


async def customer_by_key(services: Services, key: str) -> Customer | None:
    """One customer's row by its key."""
    async with services.sessions() as db:
        return await customer_queries.customer_by_key(db, key)


__all__ = [
    "AddRequest",
    "CustomerSettings",
    "EntityCounts",
    "HistoryBackfill",
    "InitialSync",
    "IntegrationState",
    "IntegrationStatus",
    "Onboarding",
    "OnboardingConfig",
    "ProvisionRequest",
    "StatusChange",
    "add_customer",
    "configure_integrations",
    "credentials",
    "customers_page",
    "integration_status",
    "integrations",
    "initial_sync",
    "provision_customer",
    "record_integration_status_change",
    "update_customer_settings",
]
