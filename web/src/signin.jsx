// Signing in: a demo user of any customer through the development token route, or a pasted bearer token
// (production: the deployment's identity provider issues it). The token lives in sessionStorage only.
import { useEffect, useState } from "preact/hooks";
import { devToken, gql, storeSignIn } from "./api.js";
import { CUSTOMERS, USERS, VIEWER } from "./queries.js";

const OPERATOR = { email: "operator@rscgraph.demo", role: "operator" };

async function demoCustomers() {
  const token = await devToken(null, OPERATOR.email, OPERATOR.role);
  const { customers } = await gql(CUSTOMERS, {}, token);
  return customers.edges.map(({ node }) => node);
}

// A customer's admin, then its users who hold a Recruiter seat (listed with the admin's token).
async function demoUsers(customer) {
  const admin = { email: `admin@${customer}.demo`, role: "admin", name: "Avery Admin", label: "Avery Admin (admin)" };
  const token = await devToken(customer, admin.email, admin.role);
  const { users } = await gql(USERS, {}, token);
  const recruiters = users.edges
    .map(({ node }) => node)
    .filter((u) => u.personUrn && u.roles.includes("RECRUITER"))
    .map((u) => ({ email: u.email, role: "recruiter", name: u.name, label: `${u.name} (recruiter)` }));
  return [...recruiters, admin];
}

// The viewer as the server sees it, with the name the person picked (development tokens carry none).
async function finish(token, onSignedIn, label = null) {
  const { viewer } = await gql(VIEWER, {}, token);
  const who = { ...viewer, label: viewer.user.name ?? label ?? viewer.user.email };
  storeSignIn(token, who);
  onSignedIn(who);
}

export function SignIn({ notice, onSignedIn }) {
  const [customers, setCustomers] = useState(null);
  const [customer, setCustomer] = useState("");
  const [users, setUsers] = useState(null);
  const [user, setUser] = useState("");
  const [pasted, setPasted] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [devError, setDevError] = useState(null);

  useEffect(() => {
    demoCustomers()
      .then((list) => {
        setCustomers(list);
        setCustomer(list[0]?.key ?? "");
      })
      .catch((e) => setDevError(e.message));
  }, []);
  useEffect(() => {
    if (!customer) return;
    setUsers(null);
    demoUsers(customer)
      .then((list) => {
        setUsers(list);
        setUser(JSON.stringify(list[0]));
      })
      .catch((e) => setDevError(e.message));
  }, [customer]);

  const act = async (work) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  const signInDemo = (event) => {
    event.preventDefault();
    act(async () => {
      const chosen = JSON.parse(user);
      await finish(await devToken(customer, chosen.email, chosen.role), onSignedIn, chosen.name);
    });
  };
  const signInPasted = (event) => {
    event.preventDefault();
    act(() => finish(pasted.trim().replace(/^Bearer\s+/i, ""), onSignedIn));
  };

  return (
    <div class="signin">
      <h1>Sign in to rscgraph</h1>
      {notice && <p class="error" role="alert">{notice}</p>}
      <form onSubmit={signInDemo} data-testid="demo-sign-in">
        <h2>As a demo user</h2>
        {devError ? (
          <p class="muted">{devError}</p>
        ) : !customers ? (
          <p class="muted">Loading the demo's customers…</p>
        ) : (
          <>
            <label>
              Customer
              <select data-testid="customer" value={customer} onChange={(e) => setCustomer(e.currentTarget.value)}>
                {customers.map((c) => (
                  <option value={c.key}>{c.name} ({c.key})</option>
                ))}
              </select>
            </label>
            <label>
              User
              <select data-testid="user" value={user} onChange={(e) => setUser(e.currentTarget.value)} disabled={!users}>
                {(users ?? []).map((u) => (
                  <option value={JSON.stringify(u)}>{u.label} · {u.email}</option>
                ))}
              </select>
            </label>
            <button type="submit" data-testid="sign-in" disabled={busy || !users}>
              {busy ? "Signing in…" : "Sign in"}
            </button>
          </>
        )}
      </form>
      <form onSubmit={signInPasted}>
        <h2>With a token</h2>
        <label>
          Bearer token from your identity provider
          <input type="password" value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} autocomplete="off" />
        </label>
        <button type="submit" disabled={busy || !pasted.trim()}>Sign in with this token</button>
      </form>
      {error && <p class="error" role="alert" data-testid="sign-in-error">{error}</p>}
    </div>
  );
}
