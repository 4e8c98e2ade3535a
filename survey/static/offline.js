// Offline capture (progressive enhancement: without it the form posts as usual).
// A finished answer goes first to a queue on the device (offline/queue.js), then to the
// server, one at a time, with backoff (offline/sending.js). This module is the screen: what
// the person sees and does (the submit, the counter of answers waiting, the thank-you
// screen and the next person, the step-by-step draft) and the service worker's start.
// ES modules served as they are, no build step: the page names the imported ones in
// <link rel="modulepreload">, so that they all download in the first round of requests.
// One module, not one per job: each file past the sixth costs the form a round trip on 3G.
import { all, enqueue, exportFile, forgetOldIds, keepAside, newId, now, read, remove } from "./offline/queue.js";
import * as sending from "./offline/sending.js";

const SEND_WAIT = 6000;  // ms the person waits for the server before the answer just waits
const DRAFT_LIFE = 6 * 3600 * 1000;  // ms: an older draft is a past round's, not put back

const form = document.querySelector("form.survey");
const box = document.getElementById("hors-ligne");  // the page's settings, as data-* attributes
const bar = document.getElementById("file-attente");
const thanks = document.getElementById("merci-local");
const main = document.querySelector("main");

const setting = (name) => box.getAttribute("data-" + name) || "";
// What this screen says, in the page's language (#mots-de-la-page, data-words); French without it.
const words = (() => {
  const given = document.getElementById("mots-de-la-page");
  try { return JSON.parse((given && given.getAttribute("data-words")) || "{}"); } catch (error) { return {}; }
})();
const field = (name) => form.querySelector('[name="' + name + '"]');

// --- the page's settings ---
let kiosk = false;
let stepMode = false;
let draftKey = "";
let prefix = "";  // a question's field name is its id behind it (forms.FIELD_PREFIX)

function readSettings() {
  kiosk = setting("kiosk") === "1";
  stepMode = form.getAttribute("data-mode") === "steps";
  draftKey = "pdp-brouillon:" + setting("campaign");
  // "q_" only for a form page kept offline before pages said their prefix (an update keeps pages).
  prefix = setting("field-prefix") || "q_";
}

// A page the browser kept (back, reload) may hold an id already sent: take new ones.
function freshIds() {
  field("answer_id").value = newId();
  field("started_at").value = now();
}

// --- what the form holds, as the API wants it ---
function answersOf(pairs) {
  const answers = {};
  pairs.forEach(([name, value]) => {
    if (value.trim() === "") { return; }
    const key = name.slice(prefix.length);
    if (key in answers) {
      answers[key] = [].concat(answers[key], value);
    } else {
      // A box of a multiple choice: a list even with one box ticked, as the server stores it.
      const many = form.querySelector('input[type="checkbox"][name="' + name + '"]');
      answers[key] = many ? [value] : value;
    }
  });
  return answers;
}

// A recording or a drawing (a File in a field media-<question id>): kept in the queue beside
// the answer's JSON and sent with it as multipart (sending.js). An empty file field is no medium.
const MEDIA_PREFIX = "media-";
function mediaOf() {
  const media = {};
  new FormData(form).forEach((value, name) => {
    if (typeof value !== "string" && name.indexOf(MEDIA_PREFIX) === 0 && value.size > 0) {
      media[name.slice(MEDIA_PREFIX.length)] = value;
    }
  });
  return media;
}

function payload() {
  const questions = [];
  const extra = {};
  new FormData(form).forEach((value, name) => {
    if (typeof value !== "string") { return; }
    if (name.indexOf(prefix) !== 0) { extra[name] = value; return; }
    questions.push([name, value]);
  });
  // The consent boxes of the recordings (« accord-voix-<id> »): the server wants them with the file.
  const consents = {};
  const kept = {};  // recordings the server already stored for this answer (media-garde-<id>)
  Object.keys(extra).forEach((name) => {
    if (name.indexOf("accord-voix-") === 0) { consents[name] = extra[name]; }
    if (name.indexOf("media-garde-") === 0) { kept[name.slice("media-garde-".length)] = extra[name]; }
  });
  return {
    consents: consents, kept_media: kept,
    answer_id: extra.answer_id, started_at: extra.started_at, submitted_at: now(),
    // The channel the server gave this page (who sends it), not a ?canal= anyone can type.
    channel: setting("channel") || extra.canal, session: extra.session || null, poster: extra.affiche || null,
    question: extra.question || null, collector: setting("collector"), answers: answersOf(questions),
    language: setting("language") || null,  // the questionnaire's language on this page
  };
}

// An empty answer, said as the server would say it: never queue an answer it will refuse.
function sayEmpty() {
  let notice = document.getElementById("reponse-vide");
  if (!notice) {
    notice = document.createElement("div");
    notice.id = "reponse-vide";
    notice.className = "error-summary";
    notice.setAttribute("role", "alert");
    notice.setAttribute("tabindex", "-1");
    notice.appendChild(document.createElement("p")).textContent = setting("empty");
    form.parentNode.insertBefore(notice, form);
  }
  notice.focus();
}

function unsayEmpty() {
  const said = document.getElementById("reponse-vide");
  if (said) { said.remove(); }
}

// --- the counter of answers waiting ---
const plural = (n, one, many) => n + " " + (n > 1 ? many : one);
// A count said in the page's language: `forms` maps a plural category (Intl.PluralRules) to a
// sentence with %(num)s; French's one/many when the page gives none.
function counted(n, forms, one, many) {
  if (!forms || !window.Intl || !Intl.PluralRules) { return plural(n, one, many); }
  const category = new Intl.PluralRules(words.lang || "fr").select(n);
  const sentence = forms[category] || forms.other || forms.many;
  return sentence ? sentence.replace("%(num)s", n) : plural(n, one, many);
}

// Told by sending.js after each round: `lastError` is "" when nothing failed.
async function renderCounter(lastError) {
  if (!bar) { return; }
  let items = [];
  try { items = await all("queue"); } catch (error) { return; }
  const pending = items.filter((i) => i.state === "pending").length;
  const aside = items.filter((i) => i.state === "aside").length;
  const offline = navigator.onLine === false || Boolean(lastError);
  bar.querySelector("[data-count]").textContent = pending
    ? counted(pending, words.pending, "réponse en attente d'envoi", "réponses en attente d'envoi")
    : words.noneWaiting || "Aucune réponse en attente d'envoi.";
  showAside(aside);
  const error = bar.querySelector("[data-error]");
  error.hidden = !lastError;
  error.textContent = lastError ? lastError + " " + (words.retry || "Nouvel essai automatique dans un moment.") : "";
  // Without HTTPS a closed page cannot reopen offline: said only when it matters.
  bar.querySelector("[data-insecure]").hidden = window.isSecureContext || !(pending || offline);
  bar.querySelector("[data-send]").hidden = !pending;
  bar.hidden = !(pending || aside || (offline && !window.isSecureContext));
}

function showAside(aside) {
  const asideText = bar.querySelector("[data-aside]");
  asideText.hidden = !aside;
  const exportHint = words.aside ? words.asideExport || "" : "Touchez « Exporter la file » et donnez le fichier à la coordination.";
  asideText.textContent = aside ? (counted(aside, words.aside,
    "réponse n'a pas pu être enregistrée par le serveur : elle reste sur cette tablette.",
    "réponses n'ont pas pu être enregistrées par le serveur : elles restent sur cette tablette.") + " " + exportHint).trim() : "";
}

// The file the coordination imports (survey import-queue) when answers cannot reach the server.
function exportQueue() {
  exportFile().then((file) => {
    const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "file-attente-" + now().slice(0, 16).replace(/[:T]/g, "-") + ".json";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  });
}

// --- the thank-you screen and the next person ---
let hiddenParts = [];  // what the thank-you screen hid, shown again for the next person
let stopCountdown = null;

// The same page, no history entry: « back » never shows the previous person's answers.
function showThanks(sent) {
  hiddenParts = Array.from(main.children).filter((el) => el !== thanks && el !== bar && !el.hidden);
  hiddenParts.forEach((el) => { el.hidden = true; });
  thanks.querySelector("[data-sent]").hidden = !sent;
  thanks.querySelector("[data-queued]").hidden = sent;
  thanks.hidden = false;
  document.title = thanks.dataset.title;  // the page says where the person is: thanked
  window.scrollTo(0, 0);
  thanks.querySelector("h1").focus();
  if (kiosk && window.PdpKiosk) { stopCountdown = window.PdpKiosk.start(thanks.querySelector("[data-countdown]"), nextPerson); }
}

// Defaults too: otherwise a reset would bring back the previous person's answers.
function clearForm() {
  Array.from(form.elements).forEach((el) => {
    if (el.type === "radio" || el.type === "checkbox") {
      el.checked = false; el.defaultChecked = false; el.removeAttribute("aria-invalid");
    } else if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text")) {
      el.value = ""; el.defaultValue = ""; el.removeAttribute("aria-invalid");
    } else if (el.type === "file") {
      el.value = "";  // a recording or a drawing of the previous person
    }
  });
  main.querySelectorAll(".error-summary, .question .error, [data-server-notice]").forEach((el) => el.remove());
  // Recordings and drawings the server kept for the previous person's answer (after a screen shown again).
  form.querySelectorAll('input[name^="media-garde-"], .recorder-kept, .drawing-kept').forEach((el) => el.remove());
  main.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
  freshIds();
  form.dispatchEvent(new Event("change"));  // form.js hides show_if questions again
}

function nextPerson() {
  if (stopCountdown) { stopCountdown(); stopCountdown = null; }
  // The server's first step; or a form in another language than the one a new answer starts in.
  if (stepMode || setting("language-reset") === "1") { location.replace(setting("blank")); return; }
  clearForm();
  document.title = thanks.dataset.formTitle;  // a blank form: no « Erreur – » of the previous person
  thanks.hidden = true;
  hiddenParts.forEach((el) => { el.hidden = false; });
  form.removeAttribute("data-sending");
  window.scrollTo(0, 0);
  const title = main.querySelector("h1");
  title.setAttribute("tabindex", "-1");
  title.focus();
}

// The ordinary post: submit() fires no "submit" event, so neither form.js nor onSubmit stops it.
function plainSubmit() {
  form.removeAttribute("data-sending");
  HTMLFormElement.prototype.submit.call(form);
}

// --- the submit ---
let lastButton = null;  // for browsers without event.submitter (Safari before 15.4)

function rememberButton(event) {
  const button = event.target.closest && event.target.closest("button[type=submit]");
  if (button) { lastButton = button; }
}

async function onSubmit(event) {
  if (event.defaultPrevented) { return; }  // form.js: a double tap
  const submitter = event.submitter || lastButton;
  if (stepMode && !submitter) { return; }  // unsure which step button: the server decides
  if (submitter && submitter.name === "action" && submitter.value !== "envoyer") {
    saveDraft();  // a step of the step-by-step form: the server shows the next one
    return;
  }
  event.preventDefault();
  const body = payload();
  const media = mediaOf();
  const nothing = !Object.keys(body.answers).length && !Object.keys(media).length && !Object.keys(body.kept_media).length;
  if (setting("empty") && nothing) {
    sayEmpty();
    form.removeAttribute("data-sending");  // form.js: nothing was sent, the next tap counts
    return;
  }
  unsayEmpty();
  const item = await queued(body, media);
  if (!item) {
    plainSubmit();  // no IndexedDB here (private browsing…): the ordinary form
    return;
  }
  askPersistence();
  forgetDraft();
  const result = await firstTry(item);
  if (result.outcome === "invalid" || result.outcome === "closed") {
    await remove("queue", item.id);
    plainSubmit();  // the server shows the French errors (or the closed page), answers kept
    return;
  }
  await settle(item, result);
  await renderCounter(result.outcome === "later" ? result.message || "" : "");
  sending.schedule();
  showThanks(result.outcome === "ok");
}

// The answer in the queue on this device, or null when the device cannot keep it.
async function queued(body, media) {
  try {
    if (!body.answer_id || await read("used", body.answer_id)) {  // a kept page: its id is taken
      freshIds();
      body.answer_id = field("answer_id").value;
      body.started_at = field("started_at").value;
    }
    const item = { id: body.answer_id, campaign: setting("campaign"), api: setting("api"), body: body,
                   created_at: Date.now(), tries: 0, state: "pending" };
    if (media && Object.keys(media).length) { item.media = media; }  // Files: IndexedDB keeps them
    await enqueue(item);
    return item;
  } catch (error) {
    return null;
  }
}

// The person waits SEND_WAIT at most: past it the answer stays queued and the thanks say so.
async function firstTry(item) {
  const waited = new Promise((r) => setTimeout(() => r({ outcome: "later" }), SEND_WAIT));
  const result = await Promise.race([sending.attempt(item), waited]);
  if (result.outcome !== "conflict") { return result; }
  // Only an id reused by a kept page: give it a new one.
  await remove("queue", item.id);
  item.id = item.body.answer_id = newId();
  await enqueue(item);
  return sending.attempt(item);
}

// Out of the queue once stored; kept aside after a final refusal; else sent again later.
async function settle(item, result) {
  if (result.outcome === "ok") {
    await remove("queue", item.id);
  } else if (result.outcome !== "later") {
    await keepAside(item, result);
  } else {
    sending.countFailure();
  }
}

// Lets the browser keep the queue when the tablet is short of space.
function askPersistence() {
  if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(() => false); }
}

// --- step-by-step with no connection: what was typed survives (see sw.js) ---
// The service worker answers a step posted offline with the one-page form, which puts it back.
function saveDraft() {
  const pairs = [];
  new FormData(form).forEach((value, name) => { if (typeof value === "string") { pairs.push([name, value]); } });
  try { sessionStorage.setItem(draftKey, JSON.stringify({ at: Date.now(), pairs: pairs })); } catch (error) { /* full */ }
}

function forgetDraft() {
  try { sessionStorage.removeItem(draftKey); } catch (error) { /* ignore */ }
  draftMedia((cache, input, key) => cache.delete(key));
}

// The recordings and drawings of steps posted offline, kept by the service worker (sw.js,
// keepStepMedia) under « <form path>brouillon/<field> »: each is put back in its field, so that the
// answer is queued with them; forgotten once the answer is queued.
const DRAFT_MEDIA_CACHE = "pdp-brouillon-medias";

async function draftMedia(action) {
  if (!window.caches) { return; }
  try {
    const cache = await caches.open(DRAFT_MEDIA_CACHE);
    for (const input of form.querySelectorAll('input[type=file][name^="media-"]')) {
      await action(cache, input, location.pathname + "brouillon/" + input.name);
    }
  } catch (error) { /* no cache: the typed words came back all the same */ }
}

async function putBackMedium(cache, input, key) {
  const kept = await cache.match(key);
  if (!kept || input.files.length) { return; }
  const blob = await kept.blob();
  const name = decodeURIComponent(kept.headers.get("X-File-Name") || input.name);
  const files = new DataTransfer();
  files.items.add(new File([blob], name, { type: blob.type }));
  input.files = files.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

function restoreDraft() {
  let draft = null;
  try { draft = JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (error) { draft = null; }
  if (!draft || Date.now() - draft.at > DRAFT_LIFE) { return; }
  draft.pairs.forEach(([name, value]) => {
    form.querySelectorAll('[name="' + name + '"]').forEach((el) => {
      if (el.type === "radio" || el.type === "checkbox") { if (el.value === value) { el.checked = true; } }
      else if (el.type !== "submit" && el.tagName !== "BUTTON") { el.value = value; }
    });
  });
  draftMedia(putBackMedium);
  form.dispatchEvent(new Event("change"));  // form.js shows the show_if questions they open
  const notice = document.querySelector("[data-offline-notice]");
  if (notice) { notice.hidden = false; }
}

// --- the service worker ---
// Only on HTTPS (or localhost): browsers refuse a worker elsewhere.
function registerWorker() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  navigator.serviceWorker.register(setting("sw"), { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then(keepThesePages)
    .catch(() => { /* the form still works online */ });
}

// Pages the worker has not kept yet (later visits keep themselves as they load).
async function keepThesePages(reg) {
  const here = new URL(location.href);
  here.searchParams.delete("hors-ligne");
  const cache = await caches.open("pdp-pages-1");
  const wanted = Array.from(new Set([here.pathname + here.search, setting("one-page")]));
  const missing = [];
  for (const url of wanted) { if (!(await cache.match(url))) { missing.push(url); } }
  if (missing.length) { reg.active.postMessage({ type: "garder", urls: missing }); }
}

// --- start ---
function wireButtons() {
  if (bar) {
    bar.querySelector("[data-send]").addEventListener("click", sending.sendNow);
    const exporter = bar.querySelector("[data-export]");
    if (exporter) { exporter.addEventListener("click", exportQueue); }
  }
  thanks.querySelector("[data-next]").addEventListener("click", nextPerson);
  form.addEventListener("click", rememberButton);
  form.addEventListener("submit", onSubmit);
  window.addEventListener("online", sending.sendNow);
  window.addEventListener("offline", () => renderCounter(""));
}

function start() {
  readSettings();
  sending.setUp({
    token: (document.querySelector('meta[name="csrf-token"]') || {}).content || "",
    tokenUrl: setting("token"),
    report: renderCounter,
    words: { noLink: words.noLink, serverCode: words.serverCode, noMemory: words.noMemory },
  });
  wireButtons();
  if (new URLSearchParams(location.search).get("hors-ligne") === "1") { restoreDraft(); }
  read("used", field("answer_id").value).then((used) => { if (used) { freshIds(); } }).catch(() => {});
  forgetOldIds().catch(() => {});
  registerWorker();
  renderCounter("").then(() => sending.flush());
}

if (form && box && window.indexedDB && window.fetch) { start(); }
