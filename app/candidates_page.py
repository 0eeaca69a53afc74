"""The candidate page: `/candidates` (the list) and `/candidates/{id}` (the ATS link LinkedIn holds), one
HTML shell whose script and stylesheet esbuild bundles from `web/src` into `web/dist` at set-up
(`make setup`; nothing built is committed), served under `/static/app`. `/demo`, the page it replaced,
redirects here.

The shell has no inline script, so its policy allows scripts from this origin only, plus LinkedIn's (or
the sandbox's) profile plugin script and frames: the plugins are embedded as LinkedIn documents them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from app.settings import Settings
from resolvers.sync.config import CANDIDATE_ROUTE

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
PAGE = WEB_DIR / "candidates.html"
BUNDLE_DIR = WEB_DIR / "dist"
BUNDLE = BUNDLE_DIR / "candidates.js"
STATIC_PREFIX = "/static/app"
LIST_PATH = CANDIDATE_ROUTE.removesuffix("/{id}")
# A candidate id in the old page's deep link (a global ID, base64).
_ID = re.compile(r"[A-Za-z0-9+/=]{1,100}")
# LinkedIn's plugins load from its platform host and frame its www host, with images from its CDN.
LINKEDIN_SOURCES = ("https://*.linkedin.com", "https://*.licdn.com")

_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Candidates · rscgraph</title></head><body><h1>The candidate page is not built</h1>
<p>Run <code>make setup</code> (it bundles <code>web/src</code> into <code>web/dist</code> with
esbuild), then reload.</p></body></html>"""


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def plugin_sources(settings: Settings) -> list[str]:
    """The origins LinkedIn's plugins come from: the profile plugin's script and the configuration
    plugin's page (the sandbox's origin offline), with LinkedIn's hosts when either is LinkedIn's."""
    urls = (settings.linkedin_widget_script_url, settings.linkedin_plugin_url, settings.linkedin_api_base_url)
    sources: list[str] = []
    for url in urls:
        origin = _origin(url)
        if origin is None:
            continue
        host = urlsplit(origin).hostname or ""
        linkedin = host == "linkedin.com" or host.endswith(".linkedin.com")
        found = list(LINKEDIN_SOURCES) if linkedin else [origin]
        sources += [source for source in found if source not in sources]
    return sources


def page_policy(settings: Settings) -> str:
    """The page's Content-Security-Policy: its own bundle, the plugins' origins, fetches and the live
    socket to this origin only ('self' covers ws: and wss: of the same host in CSP 3)."""
    plugins = " ".join(plugin_sources(settings))
    return (
        "default-src 'self'; "
        f"script-src 'self' {plugins}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data: {plugins}; font-src 'self' data:; connect-src 'self'; "
        f"frame-src {plugins}; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def candidate_page_routes(settings: Settings) -> list[BaseRoute]:
    """`/candidates`, `/candidates/{id}`, the bundle under `/static/app`, and `/demo` → `/candidates`."""
    policy = page_policy(settings)
    shell = PAGE.read_text()

    async def page(request: Request) -> Response:
        if not BUNDLE.is_file():
            return HTMLResponse(_MISSING, status_code=503)
        return HTMLResponse(shell, headers={"content-security-policy": policy, "cache-control": "no-cache"})

    async def demo(request: Request) -> Response:
        # The old page's deep link (?candidate=<global id>&tab=history) opens the same candidate here.
        candidate = request.query_params.get("candidate")
        target = LIST_PATH
        if candidate and _ID.fullmatch(candidate):
            target += f"/{quote(candidate, safe='')}"
        if request.query_params.get("tab") == "history":
            target += "?tab=inmail"
        return RedirectResponse(target, status_code=308)

    return [
        Route(LIST_PATH, page),
        Route(CANDIDATE_ROUTE, page),
        Route("/demo", demo),
        Mount(STATIC_PREFIX, app=StaticFiles(directory=BUNDLE_DIR, check_dir=False), name="app-bundle"),
    ]
