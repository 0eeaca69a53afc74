"""Pure ASGI middleware putting browser security headers on HTML responses, and each page's CSP.

GraphiQL's page carries inline scripts (the candidate page has none and sends its own policy); rather
than `'unsafe-inline'`, each page's policy lists the SHA-256 of exactly its inline scripts, worked out
once from the page served. Styles may be
inline (GraphiQL's page has a `<style>` and its components set styles): a style cannot run code.
Every response also gets `X-Content-Type-Options: nosniff`, so no JSON answer is ever read as a page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A page of ours that names no policy of its own may load nothing at all.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_HEADERS = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def page_csp(html: str, *, extra: Mapping[str, Sequence[str]] | None = None) -> str:
    """The policy of one of our pages: its own assets, its inline scripts by hash, fetches to itself.

    `extra` adds sources per directive (`script-src`, `frame-src`, `connect-src`, `img-src`), e.g. the
    origins of LinkedIn's profile plugin for a page that embeds it
    (`Settings.linkedin_profile_plugin.csp_sources()`); `frame-src` is `'self'` plus those.
    """
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    added = {name: " ".join(sources) for name, sources in (extra or {}).items() if sources}
    unknown = set(added) - _EXTENDABLE
    if unknown:
        raise ValueError(f"page_csp cannot extend {sorted(unknown)}")

    def more(name: str) -> str:
        return f" {added[name]}" if name in added else ""

    frames = f"frame-src 'self'{more('frame-src')}; " if "frame-src" in added else ""
    return (
        "default-src 'self'; "
        f"script-src 'self' {hashes}{more('script-src')}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:{more('img-src')}; font-src 'self' data:; "
        f"connect-src 'self'{more('connect-src')}; "
        f"{frames}object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


_EXTENDABLE = {"script-src", "frame-src", "connect-src", "img-src"}


class SecurityHeaders:
    """Adds the headers above; `policies` maps a path to its page's CSP (else DEFAULT_CSP)."""

    def __init__(self, app: ASGIApp, *, policies: Mapping[str, str]) -> None:
        self.app = app
        self.policies = dict(policies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policies.get(scope["path"], DEFAULT_CSP)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("content-security-policy", policy)
                    for name, value in HTML_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
