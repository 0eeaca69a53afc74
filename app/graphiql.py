"""GraphiQL served from local copies of its npm packages, so the console works with no internet."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

from graph.view import IDE_HEADERS_META

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
NODE_MODULES = WEB_DIR / "node_modules"
STATIC_PREFIX = "/static/vendor"

# The packages Strawberry's GraphiQL page loads from unpkg; web/package.json pins the same versions.
VENDORED = ("react", "react-dom", "js-cookie", "graphiql", "@graphiql/plugin-explorer")

# The console opens on a query a recruiter or frontend developer would try first.
EXAMPLE_QUERY = """# rscgraph: the ATS side of LinkedIn Recruiter System Connect.
# Run this, then open the Docs panel (top left) for every type and field.
{
  candidates(first: 3, filter: { hasLinkedInMatch: true }) {
    totalCount
    edges {
      node {
        id
        firstName
        lastName
        syncEligibility { eligible missing }
        linkedinProfile { personUrn viewInRecruiterUrl freshness { fetchedAt stale error } }
        inmailThreads { seatUrn recruiter { firstName lastName } messageCount lastMessageAt }
        linkedinNotes { body owner updatedAt }
        applications { job { title } status lastActivityAt }
      }
    }
  }
}
"""
_EXAMPLE = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)
# Where the page takes its opening headers (a JSON string, or undefined): graph/view.py fills the
# placeholder per page load (development: a ready `Authorization`).
_HEADERS_STATE = "React.useState(parameters.headers)"
_FETCHER = "        subscriptionUrl,\n      });"
_UNPKG = re.compile(r"https://unpkg\.com/(@?[^@\s\"']+)@[^/\s\"']+/")
_SRI = re.compile(r"\s+(integrity=\"[^\"]*\"|crossorigin)")


class MissingAssets(RuntimeError):
    """The npm packages were not installed (`make run` / `make setup` installs them)."""


def graphiql_html() -> str:
    """Strawberry's GraphiQL page with every CDN URL pointed at `/static/vendor/<package>/`."""
    missing = [name for name in VENDORED if not (NODE_MODULES / name / "package.json").is_file()]
    if missing:
        raise MissingAssets(f"GraphiQL assets missing ({', '.join(missing)}): run `make setup`")
    html = get_graphql_ide_html("graphiql")
    example = f"const EXAMPLE_QUERY = {json.dumps(EXAMPLE_QUERY)};"
    defaults = (
        "const DEFAULT_HEADERS = document.querySelector('meta[name=\"rscgraph-default-headers\"]').content"
        " || undefined;"
    )
    html = _EXAMPLE.sub(lambda _: f"{example}\n      {defaults}", html, count=1)
    if _HEADERS_STATE not in html or _FETCHER not in html:
        raise MissingAssets("Strawberry's GraphiQL page changed shape; update app/graphiql.py")
    html = html.replace(_HEADERS_STATE, "React.useState(parameters.headers || DEFAULT_HEADERS)", 1)
    html = html.replace("<head>", f"<head>\n    {IDE_HEADERS_META}", 1)
    # Subscriptions name their credential in connection_init, from the same headers.
    html = html.replace(
        _FETCHER,
        "        subscriptionUrl,\n"
        "        wsConnectionParams: DEFAULT_HEADERS ? JSON.parse(DEFAULT_HEADERS) : undefined,\n      });",
        1,
    )
    html = _UNPKG.sub(lambda m: f"{STATIC_PREFIX}/{m.group(1)}/", html)
    if "unpkg.com" in html:
        raise MissingAssets("GraphiQL page still references a CDN; update app/graphiql.py")
    return _SRI.sub("", html)


def asset_mounts() -> list[Mount]:
    """One static mount per vendored package, so nothing else under node_modules is served."""
    return [
        Mount(
            f"{STATIC_PREFIX}/{name}", app=StaticFiles(directory=NODE_MODULES / name), name=f"vendor:{name}"
        )
        for name in VENDORED
    ]
