// The candidate list: debounced search, cursor paging (Previous / Next, any number of pages), the open
// candidate highlighted.
import { useState } from "preact/hooks";
import { candidateGlobalId, candidatePathId, gql } from "./api.js";
import { useDebounced, useLoad } from "./hooks.js";
import { link } from "./nav.js";
import { CANDIDATES } from "./queries.js";
import { fullName } from "./words.js";

export const PAGE_SIZE = 25;
const SEARCH_PAUSE_MS = 300;

export function CandidateList({ selected }) {
  const [typed, setTyped] = useState("");
  const search = useDebounced(typed.trim(), SEARCH_PAUSE_MS);
  // The end cursors of the pages before this one (Previous pops one), for the search they belong to: a
  // new search starts at its first page in the same render, so no request goes out with an old cursor.
  const [paging, setPaging] = useState({ search, cursors: [] });
  const cursors = paging.search === search ? paging.cursors : [];
  const setCursors = (next) => setPaging({ search, cursors: next });
  const after = cursors.length ? cursors[cursors.length - 1] : null;
  // The offset a page was asked at travels with it: while the next page loads, the count still
  // describes the rows shown (the previous page's), not the page asked for.
  const offset = cursors.length * PAGE_SIZE;
  const { data, error, loading, reload } = useLoad(
    () =>
      gql(CANDIDATES, { first: PAGE_SIZE, after, filter: search ? { search } : null }).then((d) => ({
        ...d.candidates,
        first: offset,
      })),
    [search, after],
  );
  const selectedId = selected ? candidateGlobalId(selected) : null;
  const first = data ? data.first : offset;

  return (
    <aside class="list">
      <input
        type="search"
        placeholder="Search name or email"
        aria-label="Search candidates"
        data-testid="search"
        value={typed}
        onInput={(e) => setTyped(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert" data-testid="list-error">
          {error} <button type="button" onClick={() => reload()}>Try again</button>
        </p>
      )}
      {loading && !data && <p class="muted">Loading candidates…</p>}
      {data && (
        <>
          <p class="muted" data-testid="list-count">
            {data.totalCount === 0
              ? search ? `No candidate matches “${search}”.` : "No candidates yet."
              : `${first + 1}–${first + data.edges.length} of ${data.totalCount}`}
          </p>
          <ul class="candidates" data-testid="candidate-list">
            {data.edges.map(({ node }) => {
              const path = `/candidates/${candidatePathId(node.id)}`;
              const on = node.id === selectedId;
              return (
                <li class={on ? "selected" : ""} aria-selected={on ? "true" : "false"} data-testid="candidate-row">
                  <a href={path} onClick={link(path)} aria-current={on ? "page" : undefined}>
                    <strong>{fullName(node)}</strong>
                    <span class="muted">{[node.title, node.mailingCity].filter(Boolean).join(" · ")}</span>
                  </a>
                </li>
              );
            })}
          </ul>
          <div class="pager">
            <button type="button" data-testid="previous-page" disabled={!cursors.length || loading} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <button
              type="button"
              data-testid="next-page"
              disabled={!data.pageInfo.hasNextPage || loading}
              onClick={() => setCursors([...cursors, data.pageInfo.endCursor])}
            >
              Next
            </button>
          </div>
        </>
      )}
    </aside>
  );
}
