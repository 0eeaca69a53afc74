// Runs one browser journey of journeys.mjs in Debian's Chromium through playwright-core (from web/'s npm
// packages): `node run_journey.mjs NAME` with the journey's input as JSON on stdin. Prints one JSON line,
// {"ok": true, "result": …} or {"ok": false, "error": …}, and always leaves a screenshot of the page's
// last state at input.screenshot (the pytest test keeps it only when the journey fails).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as journeys from "./journeys.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "web", "package.json"));
const { chromium } = require("playwright-core");

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const name = process.argv[2];
const input = await readStdin();
const journey = journeys[name];
let browser = null;
let page = null;
let answer;
try {
  if (typeof journey !== "function") throw new Error(`no journey named ${name}`);
  browser = await chromium.launch({ executablePath: input.chromium, headless: true, args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Bounded waits everywhere: a step that does not happen fails the journey instead of hanging it.
  context.setDefaultTimeout(input.timeoutMs ?? 15000);
  page = await context.newPage();
  // Errors the page's own code let through (uncaught), apart from what the console logged (a failed load).
  const pageErrors = [];
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(`${message.text()} ${message.location().url}`));
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  const result = await journey(page, input);
  answer = { ok: true, result: { ...result, pageErrors, consoleErrors } };
} catch (error) {
  answer = { ok: false, error: String(error?.stack ?? error) };
} finally {
  if (page && input.screenshot) {
    await page.screenshot({ path: input.screenshot, fullPage: true }).catch(() => {});
  }
  await browser?.close().catch(() => {});
}
process.stdout.write(`${JSON.stringify(answer)}\n`);
