// Sending: answers go to the server one at a time, with backoff (as Enketo: min(2^n, 300) s).
// Only a reply from the server takes an answer out of the queue: stored (2xx), or refused for
// good (409 conflict, 410 closed, 422 invalid), then kept aside. The answer id makes a resend
// harmless.
import { all, keepAside, put, remove } from "./queue.js";

const MAX_BACKOFF = 300;  // s
// What a failed round says, in the page's language (setUp's `words`); French by default.
let words = {
  noLink: "Pas de connexion avec l'ordinateur qui reçoit les réponses.",
  serverCode: "Le serveur n'a pas pu enregistrer (code %(code)s).",
  noMemory: "La mémoire de la tablette n'est pas disponible.",
};
let token = "";
let tokenUrl = "";
let report = async () => {};  // the screen's counter, told how the last round went
let failures = 0;
let sending = false;
let timer = null;

// `report(lastError)` is called after each round ("" when nothing failed).
export function setUp(options) {
  token = options.token;
  tokenUrl = options.tokenUrl;
  report = options.report;
  Object.entries(options.words || {}).forEach(([key, text]) => { if (text) { words[key] = text; } });
}

async function refreshToken() {
  const response = await fetch(tokenUrl, { credentials: "same-origin", cache: "no-store" });
  token = (await response.json()).token;
}
// An answer with media (recordings, drawings: Files kept in the queue) goes as multipart: its
// JSON in the field « reponse », each file as media-<question id>; the browser sets the boundary.
function bodyOf(item) {
  const names = Object.keys(item.media || {});
  if (!names.length) { return [{ "Content-Type": "application/json" }, JSON.stringify(item.body)]; }
  const data = new FormData();
  data.append("reponse", JSON.stringify(item.body));
  names.forEach((id) => { data.append("media-" + id, item.media[id], item.media[id].name || id); });
  return [{}, data];
}

async function post(item) {
  const control = window.AbortController ? new AbortController() : null;
  // A recording takes longer to send than words on a slow Wi-Fi.
  const stop = setTimeout(() => control && control.abort(), item.media ? 120000 : 20000);
  const [headers, body] = bodyOf(item);
  try {
    return await fetch(item.api, {
      method: "POST", credentials: "same-origin", cache: "no-store", signal: control && control.signal,
      headers: Object.assign(headers, { "X-CSRFToken": token }), body: body,
    });
  } finally { clearTimeout(stop); }
}

// One try: "ok", "conflict", "invalid", "closed", "refused" (other final refusals) or "later".
export async function attempt(item) {
  let response;
  try {
    response = await post(item);
    if (response.status === 400) {
      const body = await response.clone().json().catch(() => ({}));
      if (body.csrf) { await refreshToken(); response = await post(item); }
    }
  } catch (error) {
    return { outcome: "later", message: words.noLink };
  }
  const body = await response.json().catch(() => ({}));
  const status = response.status;
  if (status >= 200 && status < 300) { return { outcome: "ok" }; }
  const final = { 409: "conflict", 422: "invalid", 410: "closed", 404: "refused", 400: "refused", 413: "refused" };
  if (final[status]) { return { outcome: final[status], status: status, message: body.message || "" }; }
  return { outcome: "later", message: words.serverCode.replace("%(code)s", status) };
}

// Every pending answer, oldest first; stops at the first one that must wait.
export async function flush() {
  if (sending) { return; }
  sending = true;
  clearTimeout(timer);
  let lastError = "";
  try {
    const items = (await all("queue")).filter((i) => i.state === "pending")
      .sort((a, b) => a.created_at - b.created_at);
    for (const item of items) {
      const result = await attempt(item);
      if (result.outcome === "ok") {
        await remove("queue", item.id);
        failures = 0;
      } else if (result.outcome === "later") {
        item.tries = (item.tries || 0) + 1;
        await put("queue", item);
        failures += 1;
        lastError = result.message;
        break;
      } else {
        await keepAside(item, result);
      }
    }
  } catch (error) {
    lastError = words.noMemory;
  } finally {
    sending = false;
  }
  await report(lastError);
  schedule();
}

export async function schedule() {
  clearTimeout(timer);
  const pending = (await all("queue").catch(() => [])).filter((i) => i.state === "pending");
  if (!pending.length) { failures = 0; return; }
  const wait = Math.min(Math.pow(2, failures), MAX_BACKOFF) * 1000;
  timer = setTimeout(flush, wait);
}

// « Envoyer maintenant », or the connection is back: no more waiting.
export function sendNow() {
  failures = 0;
  flush();
}

// The answer just made had to wait: the next try waits a little longer.
export function countFailure() {
  failures += 1;
}
