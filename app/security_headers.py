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
from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A page of ours that names no policy of its own may load nothing at all.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HTML_HEADERS = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def page_csp(html: str) -> str:
    """The policy of one of our pages: its own assets, its inline scripts by hash, fetches to itself."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return (
        "default-src 'self'; "
        f"script-src 'self' {hashes}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


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
