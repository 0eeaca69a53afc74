// What the page says when LinkedIn could not be asked: the data shown is the last stored.
import { when } from "./words.js";

/** A banner for a `Freshness` that is stale (a LinkedIn outage, or nothing polled yet). */
export function StaleBanner({ freshness, what }) {
  if (!freshness?.stale) return null;
  return (
    <div class="stale" role="status" data-testid="stale-banner">
      <strong>{what} may be out of date.</strong>{" "}
      {freshness.error ?? "LinkedIn has not been asked yet."}{" "}
      {freshness.fetchedAt ? `Showing what was stored up to ${when(freshness.fetchedAt)}.` : "Nothing has been stored from LinkedIn yet."}
    </div>
  );
}

