// Talking to the server: GraphQL over HTTP (every failure becomes a sentence for the person), the
// development sign-in, and the graphql-transport-ws client for live updates.
import { createClient } from "graphql-ws";

const TOKEN_KEY = "rscgraph.token";
const WHO_KEY = "rscgraph.signedInAs";
// A request that takes longer than this is given up and said so, never left spinning.
export const REQUEST_TIMEOUT_MS = 20000;

/** An error whose message is meant for the person using the page. */
export class RequestError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storedWho() {
  try {
    return JSON.parse(sessionStorage.getItem(WHO_KEY) ?? "null");
  } catch {
    return null;
  }
}

export function storeSignIn(token, who) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(WHO_KEY, JSON.stringify(who));
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(WHO_KEY);
}

async function send(url, init) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, signal: abort.signal });
  } catch (error) {
    if (abort.signal.aborted) {
      throw new RequestError(`The server did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds. Try again.`);
    }
    throw new RequestError("Could not reach the server. Check your connection and try again.");
  } finally {
    clearTimeout(timer);
  }
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    throw new RequestError(`The server answered HTTP ${response.status} without a readable answer.`);
  }
}

const CODE_WORDS = {
  UNAUTHENTICATED: "Your sign-in was not accepted (it may have expired): sign in again.",
  FORBIDDEN: "Your role may not see this.",
  RATE_LIMITED: "Too many requests: wait a moment and try again.",
  MAX_COST_EXCEEDED: "This request asks for too much at once.",
};

function errorsInWords(errors) {
  const first = errors[0] ?? {};
  const code = first.extensions?.code ?? null;
  const words = CODE_WORDS[code] ?? first.message ?? "The request failed.";
  return new RequestError(words, code);
}

/** Runs a GraphQL operation with the stored bearer (or `bearer`); resolves to `data`, rejects with a
 * RequestError in words. Partial data with errors is a failure too: the page never shows half an answer. */
export async function gql(query, variables = {}, bearer = storedToken()) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await send("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  if (response.status === 401) throw new RequestError(CODE_WORDS.UNAUTHENTICATED, "UNAUTHENTICATED");
  if (response.status === 429) {
    const wait = response.headers.get("retry-after");
    throw new RequestError(`Too many requests: try again${wait ? ` in ${wait} s` : " in a moment"}.`, "RATE_LIMITED");
  }
  const body = await readJson(response);
  if (body.errors?.length) throw errorsInWords(body.errors);
  if (!response.ok || !body.data) throw new RequestError(`The server answered HTTP ${response.status}.`);
  return body.data;
}

/** A development token for a demo user (`POST /auth/dev-token`); the route exists only in development. */
export async function devToken(customer, user, role) {
  const response = await send("/auth/dev-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customer, user, role }),
  });
  if (response.status === 404) {
    throw new RequestError(
      "This server has no development sign-in (production, or an identity provider is configured): paste a token from your identity provider.",
    );
  }
  const body = await readJson(response);
  if (!response.ok) throw new RequestError(`Sign-in refused: ${body.error ?? `HTTP ${response.status}`}.`);
  return body.token;
}

let wsClient = null;
let wsToken = null;

/** The one graphql-transport-ws client of the page, signed in with `{"Authorization": "Bearer …"}` in
 * connection_init (a new sign-in opens a new socket). */
export function liveClient() {
  const token = storedToken();
  if (wsClient && wsToken === token) return wsClient;
  wsClient?.dispose();
  wsToken = token;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  wsClient = createClient({
    url: `${scheme}://${location.host}/graphql`,
    connectionParams: () => ({ Authorization: `Bearer ${token}` }),
    lazy: true,
    retryAttempts: 5,
  });
  return wsClient;
}

export function closeLive() {
  wsClient?.dispose();
  wsClient = null;
  wsToken = null;
}

/** Words for what a subscription's `error` callback receives (GraphQL errors, a CloseEvent, an Error). */
export function liveErrorInWords(error) {
  if (Array.isArray(error)) return errorsInWords(error).message;
  if (error && typeof error.code === "number") {
    if (error.code === 4403) return "Live updates refused your sign-in: sign in again.";
    return `Live updates disconnected (code ${error.code}${error.reason ? `: ${error.reason}` : ""}).`;
  }
  if (error instanceof Error) return error.message;
  return "Live updates could not connect to the server.";
}

/** A candidate's global ID from the ATS id in the page's URL (`/candidates/{id}`, the link LinkedIn has);
 * a global ID passes through. */
export function candidateGlobalId(pathId) {
  return /^[0-9]+$/.test(pathId) ? btoa(`Candidate:${pathId}`) : pathId;
}

/** The ATS id inside a candidate's global ID (for its URL), else the global ID itself. */
export function candidatePathId(globalId) {
  try {
    const [type, id] = atob(globalId).split(":");
    if (type === "Candidate" && /^[0-9]+$/.test(id)) return id;
  } catch {
    /* not base64: keep it as it is */
  }
  return globalId;
}
