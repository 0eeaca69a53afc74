"""The request's viewer, established once in app/ from its `Authorization: Bearer …` credential: a JWT of
the identity provider (RSC_AUTH_ISSUER; in development without one, of the development signing key) or
an API key (`rsk_…`). Anything else, or nothing, is `NotSignedIn` (HTTP 401)."""

from __future__ import annotations

import logging

import aiohttp
from starlette.requests import HTTPConnection

from app.auth.credentials import MalformedCredential, PresentedApiKey, parse_authorization
from app.auth.dev_key import DEV_ISSUER, DevKeyError, dev_signing_key
from app.auth.jwks import JwksCache, StaticKeys
from app.auth.tokens import Identity, InvalidToken, TokenVerifier, claim_names
from app.errors import OperatorError
from app.settings import Settings
from app.tenancy import bind_customer
from resolvers import api_keys
from resolvers.services import Services
from resolvers.sign_in import SignedInUsers, SignInRefused
from resolvers.tenants import UnknownCustomer
from resolvers.viewer import NotSignedIn, Viewer

log = logging.getLogger("rscgraph.auth")
SIGN_IN_REQUIRED = "Sign in to use this API: send `Authorization: Bearer <token or API key>`."
# One message for every refused credential: why it was refused goes to the log, never to the client.
NOT_ACCEPTED = "The credential was not accepted: sign in again."


def build_verifier(settings: Settings, http: aiohttp.ClientSession) -> TokenVerifier | None:
    """The identity provider's token verifier; in development without one, the development key's; else
    (production without RSC_AUTH_ISSUER) None: only API keys sign in."""
    if settings.auth_issuer is not None:
        keys: JwksCache | StaticKeys = JwksCache(
            http,
            issuer=settings.auth_issuer,
            jwks_url=settings.auth_jwks_url,
            timeout_s=settings.auth_jwks_timeout_s,
            max_age_s=settings.auth_jwks_max_age_s,
            min_refetch_s=settings.auth_jwks_min_refetch_s,
        )
        issuer = settings.auth_issuer
    elif settings.dev_tokens:
        try:
            keys = StaticKeys([dev_signing_key(settings.data_dir).public_jwk()])
        except DevKeyError as exc:
            raise OperatorError(
                str(exc), "point RSC_DATA_DIR at a folder this user may write, or set RSC_AUTH_ISSUER"
            ) from exc
        issuer = DEV_ISSUER
    else:
        log.warning("RSC_AUTH_ISSUER is not set: only API keys sign in (no identity provider's tokens)")
        return None
    return TokenVerifier(
        keys,
        issuer=issuer,
        audience=settings.auth_audience,
        leeway_s=settings.auth_leeway_s,
        claims=claim_names(settings),
    )


class Authenticator:
    """Turns a request's `Authorization` value into its `Viewer`; one per process (app lifespan)."""

    def __init__(self, services: Services, verifier: TokenVerifier | None, users: SignedInUsers) -> None:
        self._services = services
        self._verifier = verifier
        self._users = users

    async def viewer_of(self, authorization: str | None) -> Viewer:
        """The viewer the credential names; `NotSignedIn` without a credential or with a refused one."""
        try:
            credential = parse_authorization(authorization)
        except MalformedCredential as exc:
            log.info("credential refused: %s", exc)
            raise NotSignedIn(NOT_ACCEPTED) from None
        if credential is None:
            raise NotSignedIn(SIGN_IN_REQUIRED)
        if isinstance(credential, PresentedApiKey):
            return await self._api_key_viewer(credential)
        if self._verifier is None:
            log.info("credential refused: a JWT, but no identity provider is configured (RSC_AUTH_ISSUER)")
            raise NotSignedIn(NOT_ACCEPTED)
        try:
            identity = await self._verifier.verify(credential.token)
        except InvalidToken as exc:
            log.info("token refused: %s", exc)
            raise NotSignedIn(NOT_ACCEPTED) from None
        return await self._token_viewer(identity)

    async def _token_viewer(self, identity: Identity) -> Viewer:
        user = identity.email or identity.subject
        if identity.customer_key is None:
            # An operator's token always names its role (tokens.py refuses one without it).
            operator = frozenset(role.value for role in identity.roles or ())
            return Viewer(None, user=user, roles=operator, name=identity.name)
        try:
            tenant = await self._services.tenants.by_key(identity.customer_key)
        except UnknownCustomer:
            log.info("token refused: no customer %r", identity.customer_key)
            raise NotSignedIn(NOT_ACCEPTED) from None
        # The request's log lines name its customer from here on.
        bind_customer(tenant.key)
        try:
            signed_in = await self._users.signed_in(
                tenant.id,
                subject=identity.subject,
                email=identity.email,
                name=identity.name,
                roles=identity.roles,
            )
        except SignInRefused as exc:
            log.info("token refused: %s", exc)
            raise NotSignedIn(NOT_ACCEPTED) from None
        roles = frozenset(role.value for role in signed_in.roles)
        return Viewer(tenant, user=user, roles=roles, user_id=signed_in.user_id, name=identity.name)

    async def _api_key_viewer(self, presented: PresentedApiKey) -> Viewer:
        try:
            tenant = await self._services.tenants.by_key(presented.customer_key)
        except UnknownCustomer:
            log.info("API key refused: no customer %r", presented.customer_key)
            raise NotSignedIn(NOT_ACCEPTED) from None
        found = await api_keys.authenticate(self._services.sessions, tenant.id, presented.key)
        if found is None:
            log.info("API key refused: unknown or revoked (customer %s)", tenant.key)
            raise NotSignedIn(NOT_ACCEPTED)
        bind_customer(tenant.key)
        return Viewer(
            tenant,
            user=f"api key {found.id}",
            roles=frozenset({found.role}),
            api_key_id=found.id,
            name=found.name,
        )


def build_authenticator(settings: Settings, services: Services, http: aiohttp.ClientSession) -> Authenticator:
    """The process's authenticator, over its one HTTP session (JWKS fetches)."""
    return Authenticator(services, build_verifier(settings, http), SignedInUsers(services.sessions))


async def signed_in_viewer(connection: HTTPConnection, authorization: str | None) -> Viewer:
    """The `ViewerOf` of the app: the lifespan's authenticator (app/factory.py) reads the credential."""
    authenticator: Authenticator = connection.state.authenticator
    return await authenticator.viewer_of(authorization)
