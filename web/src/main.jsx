// The candidate page: /candidates (the list) and /candidates/{id} (the page LinkedIn's ATS links open).
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { closeLive, gql, signOut, storedToken, storedWho } from "./api.js";
import { CandidateList } from "./list.jsx";
import { CandidateView } from "./candidate.jsx";
import { IntegrationView } from "./admin.jsx";
import { SignIn } from "./signin.jsx";
import { VIEWER } from "./queries.js";
import { link } from "./nav.js";
import "./style.css";

function routeOf(loc) {
  const match = loc.pathname.match(/^\/candidates\/([^/]+)\/?$/);
  const params = new URLSearchParams(loc.search);
  return {
    candidateId: match ? decodeURIComponent(match[1]) : null,
    view: params.get("view") === "integration" ? "integration" : "candidates",
    tab: params.get("tab") ?? "profile",
  };
}

function useRoute() {
  const [route, setRoute] = useState(routeOf(location));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location));
    addEventListener("popstate", changed);
    return () => removeEventListener("popstate", changed);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [who, setWho] = useState(storedToken() ? storedWho() : null);
  const [checked, setChecked] = useState(null);

  // A stored sign-in is checked once per page load: an expired token shows the sign-in again, in words.
  useEffect(() => {
    if (!who) return;
    gql(VIEWER)
      .then(({ viewer }) => setChecked({ ok: true, viewer }))
      .catch((error) => {
        signOut();
        setWho(null);
        setChecked({ ok: false, error: error.message });
      });
  }, [who]);

  if (!who) {
    return <SignIn notice={checked?.ok === false ? checked.error : null} onSignedIn={(w) => setWho(w)} />;
  }
  const isAdmin = who.roles.includes("ADMIN");
  const leave = () => {
    closeLive();
    signOut();
    setChecked(null);
    setWho(null);
  };
  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href="/candidates" onClick={link("/candidates")}>rscgraph</a>
        <span data-testid="signed-in-as">
          {who.customer?.name ?? "no customer"} · {who.label ?? who.user.email} ({who.roles.map((r) => r.toLowerCase()).join(", ")})
        </span>
        <nav>
          <a href="/candidates" class={route.view === "candidates" ? "on" : ""} onClick={link("/candidates")}>Candidates</a>
          {isAdmin && (
            <a
              href="/candidates?view=integration"
              class={route.view === "integration" ? "on" : ""}
              data-testid="nav-integration"
              onClick={link("/candidates?view=integration")}
            >
              LinkedIn integration
            </a>
          )}
          <button type="button" data-testid="sign-out" onClick={leave}>Sign out</button>
        </nav>
      </header>
      {route.view === "integration" && isAdmin ? (
        <IntegrationView />
      ) : (
        <div class="split">
          <CandidateList selected={route.candidateId} />
          <main class="detail">
            {route.candidateId ? (
              <CandidateView key={route.candidateId} pathId={route.candidateId} tab={route.tab} isAdmin={isAdmin} />
            ) : (
              <p class="muted">Pick a candidate on the left.</p>
            )}
          </main>
        </div>
      )}
    </div>
  );
}

render(<App />, document.getElementById("app"));
