// Admins: the customer's LinkedIn integration status, LinkedIn's ATS Integration Configuration Plugin
// hosted on it (the sandbox's stand-in offline), and the sync diagnostics.
import { gql } from "./api.js";
import { useLoad } from "./hooks.js";
import { INTEGRATION, SYNC_STATUS } from "./queries.js";
import { ENTITY_WORDS, when } from "./words.js";

export function IntegrationView() {
  const integration = useLoad(() => gql(INTEGRATION).then((d) => d.linkedinIntegration), []);
  const sync = useLoad(() => gql(SYNC_STATUS, { failures: 5 }).then((d) => d.syncStatus), []);
  return (
    <main class="admin" data-testid="integration-view">
      <h1>LinkedIn integration</h1>
      <Loaded result={integration} what="the integration status">
        {(i) => <Status integration={i} />}
      </Loaded>
      <h2>Sync diagnostics</h2>
      <Loaded result={sync} what="the sync status">
        {(s) => <Diagnostics status={s} />}
      </Loaded>
      <Loaded result={integration} what="the configuration plugin">
        {(i) => (
          <section>
            <h2>ATS Integration Configuration Plugin</h2>
            <p class="muted">
              Pre-authorize and enable the integrations here (LinkedIn's plugin; offline, the sandbox's stand-in). LinkedIn then tells this server, and the
              status above changes. <button type="button" onClick={() => integration.reload({ quiet: true })}>Reload the status</button>
            </p>
            <iframe class="config-plugin" title="LinkedIn ATS Integration Configuration Plugin" src={i.configurationPlugin.url} data-testid="configuration-plugin" />
          </section>
        )}
      </Loaded>
    </main>
  );
}

function Loaded({ result, what, children }) {
  if (result.error && !result.data) {
    return (
      <p class="error" role="alert">
        Could not load {what}: {result.error} <button type="button" onClick={() => result.reload()}>Try again</button>
      </p>
    );
  }
  if (!result.data) return <p class="muted">Loading {what}…</p>;
  return children(result.data);
}

function Status({ integration: i }) {
  const c = i.credentials;
  return (
    <section data-testid="integration-status">
      <p>
        Child app <code>{i.clientId}</code> (secret ending {i.clientSecretLastFour}) · organization {i.organizationUrn ?? "not yet given"} · contract{" "}
        {i.contractUrn ?? "not yet given"}
      </p>
      <p class={c.valid === false ? "error" : ""} data-testid="credentials">
        {c.valid === true && `LinkedIn accepted the credentials (checked ${when(c.checkedAt)}).`}
        {c.valid === false && `LinkedIn refused the credentials: ${c.error ?? "no reason given"}.`}
        {c.valid == null && (c.checkedAt ? `LinkedIn did not say whether it takes the credentials: ${c.error ?? "no answer"}.` : "The credentials were not tried yet.")}
      </p>
      <table>
        <thead>
          <tr><th>Integration</th><th>Name</th><th>Enabled</th><th>LinkedIn's status</th><th>Changed</th></tr>
        </thead>
        <tbody>
          {i.integrations.map((x) => (
            <tr data-testid="integration" data-type={x.type}>
              <td>{x.type}</td>
              <td>{x.name ?? "not named yet"}</td>
              <td>{x.enabled ? "yes" : "no"}</td>
              <td>{x.state ?? "not reported"}</td>
              <td>{when(x.lastChangedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="initial-sync">
        Initial sync:{" "}
        {i.initialSync.complete
          ? `complete (${when(i.initialSync.completedAt)})`
          : i.initialSync.startedAt
            ? `running since ${when(i.initialSync.startedAt)}`
            : "not started"}
        {i.initialSync.counts.length > 0 && ` · ${i.initialSync.counts.map((n) => `${ENTITY_WORDS[n.entity] ?? n.entity}: ${n.sent} sent, ${n.failed} refused`).join("; ")}`}
      </p>
    </section>
  );
}

function Diagnostics({ status: s }) {
  return (
    <section data-testid="sync-diagnostics">
      <p class="muted">
        Backfill {s.backfillEnqueuedAt ? `enqueued ${when(s.backfillEnqueuedAt)}` : "never enqueued"} · initial sync {s.initialSyncComplete ? "complete" : "not complete"}
      </p>
      <table>
        <thead>
          <tr><th>Records</th><th>Waiting</th><th>On LinkedIn</th><th>Refused</th><th>Not sent</th></tr>
        </thead>
        <tbody>
          {s.entities.map((e) => (
            <tr data-testid="sync-entity" data-type={e.entityType}>
              <td>{ENTITY_WORDS[e.entityType] ?? e.entityType}</td>
              <td>{e.pending}</td>
              <td>{e.sent}</td>
              <td>{e.failed}</td>
              <td>{e.skipped}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.entities.some((e) => e.failures.length) && (
        <>
          <h3>Recent problems</h3>
          <ul>
            {s.entities.flatMap((e) =>
              e.failures.map((f) => (
                <li data-testid="sync-failure">
                  {ENTITY_WORDS[e.entityType] ?? e.entityType} #{f.atsId}: {f.kind === "FAILED" ? "LinkedIn refused it" : "not sent"}, {f.reason} ({when(f.at)})
                </li>
              )),
            )}
          </ul>
        </>
      )}
    </section>
  );
}
