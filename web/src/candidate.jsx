// One candidate: the header, then the tabs (LinkedIn Profile, LinkedIn InMail History, Applications,
// Notes), kept current by the candidateActivity subscription.
import { useEffect, useState } from "preact/hooks";
import { candidateGlobalId, candidatePathId, gql, liveClient, liveErrorInWords } from "./api.js";
import { useLoad } from "./hooks.js";
import { navigate } from "./nav.js";
import { CANDIDATE, CANDIDATE_ACTIVITY, REFRESH, SYNC_STATUS } from "./queries.js";
import { ProfileTab } from "./profile.jsx";
import { StaleBanner } from "./banner.jsx";
import { ACTIVITY_WORDS, FIELD_WORDS, SOURCE_WORDS, VISIBILITY_WORDS, fullName, listInWords, when } from "./words.js";

const TABS = [
  ["profile", "LinkedIn Profile"],
  ["inmail", "LinkedIn InMail History"],
  ["applications", "Applications"],
  ["notes", "ATS notes"],
];

export function CandidateView({ pathId, tab, isAdmin }) {
  const id = candidateGlobalId(pathId);
  // Another customer's id or an unknown one is NOT_FOUND, as a null candidate: both read the same.
  const load = () =>
    gql(CANDIDATE, { id }).then(
      (d) => d.candidate,
      (e) => {
        if (e.code === "NOT_FOUND" || e.code === "BAD_USER_INPUT") return null;
        throw e;
      },
    );
  const { data, error, loading, reload } = useLoad(load, [id]);
  const live = useLive(id, () => reload({ quiet: true }));

  if (error && !data) {
    return (
      <p class="error" role="alert" data-testid="candidate-error">
        Could not open this candidate: {error} <button type="button" onClick={() => reload()}>Try again</button>
      </p>
    );
  }
  if (!data) {
    return loading ? <p class="muted">Loading the candidate…</p> : <p class="error" data-testid="candidate-error">This candidate does not exist, or is not yours to see.</p>;
  }
  const candidate = data;
  const open = TABS.some(([key]) => key === tab) ? tab : "profile";
  const go = (key) => navigate(`/candidates/${candidatePathId(candidate.id)}?tab=${key}`);

  return (
    <article data-testid="candidate" data-candidate-id={candidate.id}>
      <Header candidate={candidate} isAdmin={isAdmin} />
      {error && <p class="error" role="alert">Could not update this page: {error}</p>}
      <LiveStatus live={live} />
      <div class="tabs" role="tablist">
        {TABS.map(([key, label]) => (
          <button type="button" role="tab" aria-selected={key === open ? "true" : "false"} data-testid={`tab-${key}`} onClick={() => go(key)}>
            {label}
          </button>
        ))}
      </div>
      <section class="panel" role="tabpanel">
        {open === "profile" && <ProfileTab candidate={candidate} reload={reload} />}
        {open === "inmail" && <InMailTab candidate={candidate} reload={reload} />}
        {open === "applications" && <Applications candidate={candidate} />}
        {open === "notes" && <AtsNotes candidate={candidate} />}
      </section>
    </article>
  );
}

// Subscribes to the candidate's activity; each event reloads the candidate without a spinner.
function useLive(id, changed) {
  const [live, setLive] = useState({ state: "connecting", last: null, error: null });
  useEffect(() => {
    setLive({ state: "connecting", last: null, error: null });
    let stopped = false;
    const stop = liveClient().subscribe(
      { query: CANDIDATE_ACTIVITY, variables: { id } },
      {
        next: (message) => {
          if (stopped) return;
          if (message.errors?.length) {
            setLive((l) => ({ ...l, state: "error", error: liveErrorInWords(message.errors) }));
            return;
          }
          setLive({ state: "on", last: message.data.candidateActivity, error: null });
          changed();
        },
        error: (error) => !stopped && setLive((l) => ({ ...l, state: "error", error: liveErrorInWords(error) })),
        complete: () => !stopped && setLive((l) => (l.state === "error" ? l : { ...l, state: "closed" })),
      },
    );
    // graphql-ws says nothing until the first event: the socket being open is as good as "on".
    const off = liveClient().on("connected", () => !stopped && setLive((l) => (l.state === "connecting" ? { ...l, state: "on" } : l)));
    return () => {
      stopped = true;
      off();
      stop();
    };
  }, [id]);
  return live;
}

function LiveStatus({ live }) {
  if (live.state === "error") {
    return <p class="warning" data-testid="live-status" data-state="error">Live updates are off: {live.error} Use Refresh to see new activity.</p>;
  }
  return (
    <p class="muted" data-testid="live-status" data-state={live.state}>
      {live.state === "on" ? "Live: new InMails and notes appear here by themselves." : live.state === "closed" ? "Live updates ended." : "Connecting live updates…"}
      {live.last && (
        <span data-testid="live-last" data-kind={live.last.kind}>
          {" "}
          {ACTIVITY_WORDS[live.last.kind] ?? live.last.kind} at {when(live.last.at)}.
        </span>
      )}
    </p>
  );
}

function Header({ candidate: c, isAdmin }) {
  const eligibility = c.syncEligibility;
  return (
    <header class="candidate-header" data-testid="candidate-header">
      <h1 data-testid="candidate-name">{fullName(c)}</h1>
      <p>
        {[c.title && (c.company ? `${c.title} at ${c.company}` : c.title), c.mailingCity].filter(Boolean).join(" · ") || <span class="muted">No title or city</span>}
      </p>
      <p>
        {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : <span class="muted">no email</span>}
        {" · "}
        {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : <span class="muted">no phone</span>}
        {c.doNotContact && <strong class="badge danger"> Do not contact</strong>}
      </p>
      <p class="muted">
        <span data-testid="candidate-source">{SOURCE_WORDS[c.source] ?? c.source}</span> on {when(c.createdAt)} ·{" "}
        <span data-testid="sync-eligibility">
          {eligibility.eligible
            ? "Sent to LinkedIn Recruiter"
            : `Not sent to LinkedIn: it needs ${listInWords(eligibility.missing.map((f) => FIELD_WORDS[f] ?? f))}`}
        </span>
        {isAdmin && eligibility.eligible && <SyncState candidateId={c.id} />}
      </p>
    </header>
  );
}

// Admins see whether LinkedIn refused this candidate (the sync status names failed records).
function SyncState({ candidateId }) {
  const { data, error } = useLoad(() => gql(SYNC_STATUS, { failures: 50 }).then((d) => d.syncStatus), [candidateId]);
  if (error) return <span class="error"> · sync status unavailable: {error}</span>;
  if (!data) return null;
  const mine = data.entities
    .filter((e) => e.entityType === "CANDIDATE")
    .flatMap((e) => e.failures)
    .find((f) => f.recordId === candidateId);
  return (
    <span data-testid="sync-status">
      {" · "}
      {mine ? (mine.kind === "FAILED" ? `LinkedIn refused it: ${mine.reason}` : `Not sent: ${mine.reason}`) : "no sync problem"}
    </span>
  );
}

function InMailTab({ candidate: c, reload }) {
  const [refresh, setRefresh] = useState({ state: "idle", message: null });
  const press = async () => {
    setRefresh({ state: "running", message: "Asking LinkedIn for new InMails and notes…" });
    try {
      const { refreshLinkedInActivity: result } = await gql(REFRESH, { id: c.id });
      if (result.userErrors.length) {
        setRefresh({ state: "error", message: result.userErrors.map((e) => e.message).join(" ") });
      } else {
        setRefresh({ state: "done", message: `Up to date with LinkedIn as of ${when(result.syncedAt)}.` });
      }
    } catch (error) {
      setRefresh({ state: "error", message: `The refresh failed: ${error.message}` });
    }
    await reload({ quiet: true });
  };
  const activity = c.linkedinActivity;
  return (
    <div data-testid="inmail-tab">
      <div class="toolbar">
        <button type="button" data-testid="refresh" onClick={press} disabled={refresh.state === "running"}>
          {refresh.state === "running" ? "Refreshing…" : "Refresh from LinkedIn"}
        </button>
        <span class={refresh.state === "error" ? "error" : "muted"} role="status" data-testid="refresh-status" data-state={refresh.state}>
          {refresh.state === "running" && <span class="spinner" aria-hidden="true" />}
          {refresh.message ?? (activity.fetchedAt ? `InMails and notes as of ${when(activity.fetchedAt)}.` : "")}
        </span>
      </div>
      <StaleBanner freshness={activity} what="InMails and notes" />
      <h2>InMails, one thread per recruiter</h2>
      {c.inmailThreads.length === 0 ? (
        <p class="muted" data-testid="no-threads">No InMails with this candidate{c.linkedinProfile?.personUrn ? "." : " (not linked to a LinkedIn member)."}</p>
      ) : (
        c.inmailThreads.map((t) => <Thread thread={t} />)
      )}
      <LinkedInNotes notes={c.linkedinNotes} />
    </div>
  );
}

function Thread({ thread: t }) {
  const recruiter = t.recruiter ? t.recruiter.name : "A Recruiter seat with no ATS user";
  return (
    <div class="thread" data-testid="thread" data-seat={t.seatUrn}>
      <h3>
        <span data-testid="thread-recruiter">{recruiter}</span>
        <span class="muted"> · {t.messageCount} message{t.messageCount === 1 ? "" : "s"} · last {when(t.lastMessageAt)}</span>
      </h3>
      {t.messages.map((m) => (
        <div class={`message ${m.direction === "OUTBOUND" ? "outbound" : "inbound"}`} data-testid="message">
          <div class="muted">
            {m.direction === "OUTBOUND" ? `${recruiter} wrote` : "The candidate replied"} · {when(m.sentAt)}
            {m.visibility !== "PUBLIC" && <span class="badge"> {VISIBILITY_WORDS[m.visibility]}</span>}
          </div>
          {m.subject && <strong data-testid="message-subject">{m.subject}</strong>}
          <p data-testid="message-body">{m.body}</p>
        </div>
      ))}
    </div>
  );
}

function LinkedInNotes({ notes }) {
  return (
    <section class="linkedin-notes" data-testid="linkedin-notes">
      <h2>LinkedIn Recruiter notes</h2>
      <p class="muted">Written in LinkedIn Recruiter; they stay there and are not ATS notes.</p>
      {notes.length === 0 ? (
        <p class="muted">No LinkedIn notes.</p>
      ) : (
        notes.map((n) => (
          <div class="note" data-testid="linkedin-note">
            <p data-testid="linkedin-note-body">{n.body}</p>
            <div class="muted">
              {n.ownerRecruiter?.name ?? "A Recruiter seat with no ATS user"} · {n.updatedAt !== n.createdAt ? `edited ${when(n.updatedAt)}` : when(n.createdAt)}
              {n.visibility !== "PUBLIC" && <span class="badge"> {VISIBILITY_WORDS[n.visibility]}</span>}
            </div>
          </div>
        ))
      )}
    </section>
  );
}

function Applications({ candidate: c }) {
  if (!c.applications.length) return <p class="muted">No applications.</p>;
  return (
    <div data-testid="applications">
      {c.applications.map((a) => (
        <div class="application" data-testid="application">
          <h3>
            {a.job.title} <span class="badge">{a.status}</span>
          </h3>
          <p class="muted">
            Applied {when(a.createdAt)}
            {a.source ? ` via ${a.source}` : ""} · last activity {when(a.lastActivityAt)}
          </p>
          <ol class="stages">
            {a.stages.map((s) => (
              <li data-testid="stage">
                <strong>{s.stage}</strong> · {when(s.at)}
                {s.actor ? ` · ${s.actor}` : ""}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </div>
  );
}

function AtsNotes({ candidate: c }) {
  if (!c.notes.length) return <p class="muted">No ATS notes.</p>;
  return (
    <div>
      {c.notes.map((n) => (
        <div class="note ats" data-testid="ats-note">
          <p>{n.body}</p>
          <div class="muted">
            {n.author} · {when(n.createdAt)}
            {n.applicationId ? " · on an application" : ""}
          </div>
        </div>
      ))}
    </div>
  );
}
