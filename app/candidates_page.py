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

_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Candidates · rscgraph</title></head><body><h1>The candidate page is not built</h1>
<p>Run <code>make setup</code> (it bundles <code>web/src</code> into <code>web/dist</code> with
esbuild), then reload.</p></body></html>"""


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def plugin_sources(settings: Settings) -> dict[str, list[str]]:
    """Per CSP directive, what LinkedIn's plugins need: the profile plugin's script, frames and calls
    (`Settings.linkedin_profile_plugin`), and the configuration plugin's frame (the sandbox offline)."""
    sources = {name: list(found) for name, found in settings.linkedin_profile_plugin.csp_sources().items()}
    configuration = _origin(settings.linkedin_plugin_url)
    frames = sources.setdefault("frame-src", [])
    if configuration is not None and configuration not in frames:
        frames.append(configuration)
    return sources


def page_policy(settings: Settings) -> str:
    """The page's Content-Security-Policy: its own bundle and the plugins' origins, fetches and the live
    socket to this origin ('self' covers ws: and wss: of the same host in CSP 3)."""

    def more(name: str) -> str:
        return "".join(f" {source}" for source in sources.get(name, []))

    sources = plugin_sources(settings)
    return (
        "default-src 'self'; "
        f"script-src 'self'{more('script-src')}; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:{more('img-src')}; font-src 'self' data:; "
        f"connect-src 'self'{more('connect-src')}; "
        f"frame-src 'self'{more('frame-src')}; "
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
