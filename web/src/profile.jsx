// The LinkedIn Profile tab: who the candidate is on LinkedIn, and LinkedIn's profile plugin embedded
// exactly as LinkedIn documents it (in.js with the customer's api_key, then an IN/HcmWidget tag). The
// plugin itself (profile, Save to project, Send InMail, manual match) is LinkedIn's, or the sandbox's
// stand-in offline; its link/unlink callbacks come back here and are stored through GraphQL.
import { useEffect, useRef, useState } from "preact/hooks";
import { gql } from "./api.js";
import { LINK, UNLINK } from "./queries.js";
import { StaleBanner } from "./banner.jsx";
import { MATCH_WORDS, when } from "./words.js";

export function ProfileTab({ candidate: c, reload }) {
  const p = c.linkedinProfile;
  const [linkState, setLinkState] = useState(null);

  // The plugin calls these by name (data-onlink / data-onunlink); they are the page's only globals.
  useEffect(() => {
    const store = async (mutation, variables, done) => {
      setLinkState({ state: "running", message: "Saving the link to the LinkedIn member…" });
      try {
        const data = await gql(mutation, variables);
        const errors = Object.values(data)[0].userErrors;
        setLinkState(
          errors.length
            ? { state: errors.every((e) => e.code.startsWith("LINKEDIN") || e.code === "NOT_ELIGIBLE") ? "done" : "error", message: errors.map((e) => e.message).join(" ") }
            : { state: "done", message: done },
        );
      } catch (error) {
        setLinkState({ state: "error", message: `The link was not saved: ${error.message}` });
      }
      await reload({ quiet: true });
    };
    window.rscgraphLinkedInLink = (member) => {
      const personUrn = typeof member === "string" ? member : member?.personUrn ?? member?.urn ?? member?.id;
      store(LINK, { id: c.id, personUrn }, "Linked to the LinkedIn member.");
    };
    window.rscgraphLinkedInUnlink = () => store(UNLINK, { id: c.id }, "Unlinked from the LinkedIn member.");
    return () => {
      delete window.rscgraphLinkedInLink;
      delete window.rscgraphLinkedInUnlink;
    };
  }, [c.id]);

  return (
    <div data-testid="profile-tab">
      {p && <StaleBanner freshness={p.freshness} what="LinkedIn's match" />}
      {linkState && (
        <p class={linkState.state === "error" ? "error" : "muted"} role="status" data-testid="link-status" data-state={linkState.state}>
          {linkState.message}
        </p>
      )}
      <Member profile={p} />
      {p?.widget?.available ? (
        <Plugin widget={p.widget} />
      ) : (
        <p class="muted" data-testid="no-plugin" data-code={p?.widget?.unavailableCode ?? ""}>
          {p?.widget?.unavailableReason ?? "LinkedIn's profile plugin cannot show this candidate yet."}
        </p>
      )}
    </div>
  );
}

function Member({ profile: p }) {
  if (!p?.personUrn) {
    return (
      <p data-testid="match" data-matched="false">
        Not linked to a LinkedIn member.
        {p?.algorithmicMatches?.length ? ` LinkedIn suggests ${p.algorithmicMatches.length} possible member(s) in the plugin below.` : ""}{" "}
        Link the right member in LinkedIn's plugin below.
      </p>
    );
  }
  return (
    <p data-testid="match" data-matched="true">
      Linked to a LinkedIn member, {MATCH_WORDS[p.matchSource] ?? "linked"}
      {p.matchedAt ? ` on ${when(p.matchedAt)}` : ""}.{" "}
      {p.viewInRecruiterUrl && (
        <a href={p.viewInRecruiterUrl} target="_blank" rel="noopener noreferrer" data-testid="view-in-recruiter">
          View in Recruiter
        </a>
      )}
      {p.profileUrl && (
        <>
          {" · "}
          <a href={p.profileUrl} target="_blank" rel="noopener noreferrer">LinkedIn profile</a>
        </>
      )}
    </p>
  );
}

// in.js is loaded once per page with the customer's api_key; a later candidate is parsed into place.
let sdk = null;

/** Loads LinkedIn's JS SDK once; resolves to true when it had been loaded before (the caller then parses
 * its own container: the first load parses the page itself). A failed load is tried again next time. */
function loadSdk(widget) {
  const key = `${widget.scriptUrl} ${widget.apiKey}`;
  if (sdk?.key === key) return sdk.loaded.then(() => true);
  const script = document.createElement("script");
  script.src = widget.scriptUrl;
  script.async = true;
  // LinkedIn's JS SDK reads its settings from its own tag's text (never run: the tag has a src).
  script.text = `api_key: ${widget.apiKey}\nextensions: ${widget.extension}`;
  const loaded = new Promise((resolve, reject) => {
    script.onload = () => resolve();
    script.onerror = () => {
      sdk = null;
      script.remove();
      reject(new Error("LinkedIn's profile plugin could not be loaded (LinkedIn may be unreachable). Reload the page to try again."));
    };
  });
  sdk = { key, loaded };
  document.head.append(script);
  return loaded.then(() => false);
}

function Plugin({ widget }) {
  const box = useRef(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    const container = box.current;
    const tag = document.createElement("script");
    tag.type = "IN/HcmWidget";
    const data = {
      widgetType: widget.widgetType,
      atsCandidateId: widget.atsCandidateId,
      integrationContext: widget.integrationContext,
      showUnlinkUrl: "true",
      confirmUnlink: "true",
      onlink: "rscgraphLinkedInLink",
      onunlink: "rscgraphLinkedInUnlink",
      width: "800",
    };
    for (const [key, value] of Object.entries(data)) tag.dataset[key] = value;
    container.replaceChildren(tag);
    setError(null);
    loadSdk(widget)
      .then((loadedBefore) => {
        if (loadedBefore) window.IN?.parse?.(container);
      })
      .catch((e) => setError(e.message));
    return () => container.replaceChildren();
  }, [widget.scriptUrl, widget.apiKey, widget.atsCandidateId, widget.integrationContext]);
  return (
    <div class="plugin">
      {error && <p class="error" role="alert" data-testid="plugin-error">{error}</p>}
      <div ref={box} data-testid="profile-plugin" />
    </div>
  );
}
