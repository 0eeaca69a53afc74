// The candidate page's browser journeys, one per pytest test (tests/browser/test_journeys.py). Each takes
// the page and its input (the server's and the sandbox's URLs, ids and tokens the test prepared) and
// returns what the person saw, which the test asserts. Every wait is Playwright's, bounded by the
// context's default timeout; nothing sleeps.

/** Calls the sandbox's admin API (as LinkedIn's side of the world would act). */
async function sandbox(input, method, path, body, app = input.app) {
  const url = new URL(`${input.sandboxUrl}/_admin/${path}`);
  if (app) url.searchParams.set("app", app);
  const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
  if (!response.ok) throw new Error(`sandbox ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A GraphQL request as another viewer (e.g. a colleague's refresh, or the poller's). */
async function graphql(input, token, query, variables = {}) {
  const response = await fetch(`${input.baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Signs in on the page as a demo user, the way a person does: pick the customer, pick the user. */
async function signIn(page, input, customer, email, path = "/candidates") {
  await page.goto(`${input.baseUrl}${path}`);
  await page.getByTestId("customer").selectOption(customer);
  const users = page.getByTestId("user");
  await users.locator("option", { hasText: email }).waitFor({ state: "attached" });
  const value = await users.locator("option", { hasText: email }).getAttribute("value");
  await users.selectOption(value);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in-as").waitFor();
  return page.getByTestId("signed-in-as").innerText();
}

async function texts(locator) {
  return (await locator.allInnerTexts()).map((t) => t.trim());
}

export async function signInSearchAndPage(page, input) {
  const signedInAs = await signIn(page, input, input.customer, input.recruiter);
  const count = page.getByTestId("list-count");
  await count.filter({ hasText: " of " }).waitFor();
  const firstPage = await count.innerText();
  await page.getByTestId("next-page").click();
  await count.filter({ hasText: /^26–/ }).waitFor();
  const secondPage = await count.innerText();
  await page.getByTestId("next-page").click();
  await count.filter({ hasText: /^51–/ }).waitFor();
  const thirdPage = await count.innerText();
  // Typing a name asks once the person pauses, not once per key.
  const requests = [];
  page.on("request", (r) => r.url().endsWith("/graphql") && r.postData()?.includes("Candidates") && requests.push(r.postDataJSON().variables));
  await page.getByTestId("search").pressSequentially(input.search, { delay: 30 });
  await count.filter({ hasText: /^1–1 of 1$/ }).waitFor();
  const rows = await texts(page.getByTestId("candidate-row"));
  await page.getByTestId("candidate-row").first().locator("a").click();
  await page.getByTestId("candidate-name").waitFor();
  const selected = await texts(page.locator("[data-testid=candidate-row][aria-selected=true]"));
  return {
    signedInAs,
    firstPage,
    secondPage,
    thirdPage,
    searchRequests: requests.map((v) => v.filter?.search ?? null),
    rows,
    selected,
    name: await page.getByTestId("candidate-name").innerText(),
    url: page.url(),
  };
}

export async function threadsAndNotes(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}`);
  await page.getByTestId("candidate-name").waitFor();
  const header = await page.getByTestId("candidate-header").innerText();
  await page.getByTestId("tab-inmail").click();
  await page.getByTestId("thread").first().waitFor();
  return {
    name: await page.getByTestId("candidate-name").innerText(),
    source: await page.getByTestId("candidate-source").innerText(),
    eligibility: await page.getByTestId("sync-eligibility").innerText(),
    header,
    selected: await texts(page.locator("[data-testid=candidate-row][aria-selected=true]")),
    recruiters: await texts(page.getByTestId("thread-recruiter")),
    messages: await page.getByTestId("message").count(),
    notes: await texts(page.getByTestId("linkedin-note-body")),
    stale: await page.getByTestId("stale-banner").count(),
    url: page.url(),
  };
}

export async function refreshAfterAnInMail(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}?tab=inmail`);
  await page.getByTestId("thread").first().waitFor();
  const before = await page.getByTestId("message").count();
  await sandbox(input, "POST", "inmails", { seat: input.seat, member: input.member, subject: input.subject, body: "Are you open to a chat?" });
  await page.getByTestId("refresh").click();
  const status = page.getByTestId("refresh-status");
  await page.locator("[data-testid=refresh-status][data-state=done]").waitFor();
  await page.getByTestId("message-subject").filter({ hasText: input.subject }).waitFor();
  return {
    before,
    after: await page.getByTestId("message").count(),
    status: await status.innerText(),
    button: await page.getByTestId("refresh").innerText(),
  };
}

export async function linkedinOutageShowsStale(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}?tab=inmail`);
  await page.getByTestId("thread").first().waitFor();
  const staleBefore = await page.getByTestId("stale-banner").count();
  await sandbox(input, "POST", "faults", { endpoint: "*", status: 503, count: null });
  await page.getByTestId("refresh").click();
  await page.locator("[data-testid=refresh-status][data-state=error]").waitFor();
  await page.getByTestId("stale-banner").waitFor();
  const result = {
    staleBefore,
    status: await page.getByTestId("refresh-status").innerText(),
    banner: await page.getByTestId("stale-banner").innerText(),
    button: await page.getByTestId("refresh").innerText(),
    threadsStillShown: await page.getByTestId("thread").count(),
  };
  await sandbox(input, "DELETE", "faults");
  return result;
}

export async function adminIntegrationPage(page, input) {
  await signIn(page, input, input.customer, input.admin);
  await page.getByTestId("nav-integration").click();
  await page.getByTestId("integration").first().waitFor();
  await page.getByTestId("sync-entity").first().waitFor();
  const plugin = page.frameLocator("[data-testid=configuration-plugin]");
  await plugin.locator("h1").waitFor();
  return {
    integrations: await page.getByTestId("integration").evaluateAll((rows) => rows.map((r) => r.dataset.type)),
    credentials: await page.getByTestId("credentials").innerText(),
    syncEntities: await page.getByTestId("sync-entity").evaluateAll((rows) => rows.map((r) => r.dataset.type)),
    pluginHeading: await plugin.locator("h1").innerText(),
    url: page.url(),
  };
}

export async function recruiterSeesNoIntegrationLink(page, input) {
  await signIn(page, input, input.customer, input.recruiter);
  await page.getByTestId("candidate-list").waitFor();
  await page.goto(`${input.baseUrl}/candidates?view=integration`);
  await page.getByTestId("candidate-list").waitFor();
  return {
    navLinks: await page.getByTestId("nav-integration").count(),
    integrationViews: await page.getByTestId("integration-view").count(),
  };
}

export async function expiredSignInAsksAgain(page, input) {
  await signIn(page, input, input.customer, input.recruiter);
  await page.getByTestId("candidate-list").waitFor();
  // The stored token stops being accepted (as when it expires): the next load says so and signs out.
  await page.evaluate(() => sessionStorage.setItem("rscgraph.token", "not-a-token"));
  await page.reload();
  const alert = page.locator(".signin [role=alert]");
  await alert.waitFor();
  // The demo users load after the notice: the sign-in is offered again once they have.
  await page.getByTestId("sign-in").waitFor();
  return {
    message: await alert.innerText(),
    signInShown: await page.getByTestId("sign-in").count(),
    token: await page.evaluate(() => sessionStorage.getItem("rscgraph.token")),
  };
}


/** The profile plugin's frame on the LinkedIn Profile tab, signed in to "LinkedIn" as `seat` (the
 * plugin's own sign-in, as LinkedIn's session is for the real one). */
async function pluginSignedIn(page, seat) {
  await page.getByTestId("tab-profile").click();
  const plugin = page.frameLocator("[data-testid=linkedin-profile-plugin]");
  const signedIn = plugin.getByTestId("plugin-signed-in-as");
  const signedOut = plugin.getByTestId("plugin-signed-out");
  await signedIn.or(signedOut).first().waitFor();
  let sawSignIn = false;
  if (await signedOut.count()) {
    sawSignIn = true;
    await plugin.getByTestId("signin-seat-picker").selectOption(seat);
    await plugin.getByTestId("signin-submit").click();
    await signedIn.waitFor();
  }
  return { plugin, sawSignIn };
}

export async function pluginSavesToProjectAndSendsAnInMail(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}`);
  await page.getByTestId("candidate-name").waitFor();
  const { plugin, sawSignIn } = await pluginSignedIn(page, input.seat);
  const profileName = await plugin.getByTestId("profile-name").innerText();
  // Save to project
  const picker = plugin.getByTestId("save-project-picker");
  const project = (await picker.locator("option").first().innerText()).trim();
  await picker.selectOption({ label: project });
  await plugin.getByTestId("save-to-project").click();
  await plugin.getByTestId("save-confirmation").waitFor();
  const savedInPlugin = await texts(plugin.getByTestId("saved-project"));
  const projects = await sandbox(input, "GET", "projects");
  // Send InMail, then see it on the ATS's InMail tab (through the normal poll: Refresh)
  await plugin.getByTestId("inmail-subject").fill(input.subject);
  await plugin.getByTestId("inmail-body").fill("Would you like to talk about a role at Acme?");
  await plugin.getByTestId("inmail-send").click();
  await plugin.getByTestId("inmail-sent").waitFor();
  await page.getByTestId("tab-inmail").click();
  await page.getByTestId("refresh").click();
  await page.locator("[data-testid=refresh-status][data-state=done]").waitFor();
  await page.getByTestId("message-subject").filter({ hasText: input.subject }).waitFor();
  const thread = page.getByTestId("thread").filter({ has: page.getByTestId("message-subject").filter({ hasText: input.subject }) });
  return {
    sawSignIn,
    profileName,
    project,
    savedInPlugin,
    projects,
    inmailThreadRecruiter: await thread.getByTestId("thread-recruiter").innerText(),
  };
}

export async function pluginLinksAnUnmatchedCandidate(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.unmatchedAtsId}`);
  await page.getByTestId("candidate-name").waitFor();
  const before = await page.getByTestId("match").getAttribute("data-matched");
  const { plugin } = await pluginSignedIn(page, input.seat);
  await plugin.getByTestId("plugin-manual-match").waitFor();
  await plugin.getByTestId("match-search").fill(input.freeMember.lastName);
  await plugin.getByTestId("match-search-submit").click();
  const members = plugin.getByTestId("match-member-picker");
  await members.locator(`option[value="${input.freeMember.urn}"]`).waitFor({ state: "attached" });
  await members.selectOption(input.freeMember.urn);
  await plugin.getByTestId("match-submit").click();
  // The plugin calls the page's onlink; the page stores the link and shows it.
  await page.locator("[data-testid=link-status][data-state=done]").waitFor();
  await page.locator("[data-testid=match][data-matched=true]").waitFor();
  const match = await page.getByTestId("match").innerText();
  // A reload reads it back from the server (certification TC8: the link survives a page refresh).
  await page.reload();
  await page.locator("[data-testid=match][data-matched=true]").waitFor();
  return { before, match, afterReload: await page.getByTestId("match").innerText() };
}

export async function anInMailArrivesLive(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}?tab=inmail`);
  await page.getByTestId("thread").first().waitFor();
  await page.locator("[data-testid=live-status][data-state=on]").waitFor();
  const before = await page.getByTestId("message").count();
  const requestsBefore = [];
  page.on("request", (r) => r.url().endsWith("/graphql") && r.postData()?.includes("Refresh") && requestsBefore.push(r.url()));
  // Ada writes on LinkedIn; the poll (here a colleague's refresh through the API) stores it. A
  // graphql-transport-ws subscription is never acknowledged, so the first InMail may be stored before
  // the server has set the page's subscription up: then another is sent, at most three in all.
  let attempts = 0;
  let arrived = false;
  while (!arrived && attempts < 3) {
    attempts += 1;
    const subject = `${input.subject} (${attempts})`;
    await sandbox(input, "POST", "inmails", { seat: input.seat, member: input.member, subject, body: "Live?" });
    await graphql(input, input.adminToken, `mutation($id: ID!) { refreshLinkedInActivity(input: {candidateId: $id}) { syncedAt } }`, {
      id: input.candidateId,
    });
    arrived = await page
      .getByTestId("message-subject")
      .filter({ hasText: subject })
      .waitFor({ timeout: 5000 })
      .then(() => true, () => false);
  }
  if (!arrived) throw new Error("no InMail arrived on the open tab after three were stored");
  return {
    attempts,
    before,
    after: await page.getByTestId("message").count(),
    liveLast: await page.getByTestId("live-last").getAttribute("data-kind"),
    refreshesFromThePage: requestsBefore.length,
    refreshState: await page.getByTestId("refresh-status").getAttribute("data-state"),
  };
}

export async function requestErrorsInWords(page, input) {
  await signIn(page, input, input.customer, input.recruiter, `/candidates/${input.candidateAtsId}?tab=inmail`);
  await page.getByTestId("thread").first().waitFor();
  // The network drops the refresh: the page says so and the button comes back.
  await page.route("**/graphql", (route) =>
    route.request().postData()?.includes("mutation Refresh") ? route.abort("connectionreset") : route.continue(),
  );
  await page.getByTestId("refresh").click();
  await page.locator("[data-testid=refresh-status][data-state=error]").waitFor();
  const refresh = await page.getByTestId("refresh-status").innerText();
  const button = await page.getByTestId("refresh").isEnabled();
  // An id the customer has no candidate for.
  await page.goto(`${input.baseUrl}/candidates/987654321`);
  await page.getByTestId("candidate-error").waitFor();
  return { refresh, button, missing: await page.getByTestId("candidate-error").innerText() };
}
