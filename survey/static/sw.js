// Service worker: the form pages a volunteer opened, and the files they need, stay on the
// tablet so that the form opens with no connection. Answers are not kept here but in
// IndexedDB (offline/queue.js), which no update of this file touches. ASSETS names every
// module offline.js imports: a page reopened with no connection needs them all.
// Served by /sw.js, which fills in VERSION (a digest of the files), ASSETS and OFFLINE_WORDS
// (the « no connection » page in each interface language, from its catalog).
"use strict";
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const OFFLINE_WORDS = __OFFLINE_WORDS__;
const ASSET_CACHE = "pdp-fichiers-" + VERSION;
const PAGE_CACHE = "pdp-pages-1";  // not versioned: an update keeps the opened forms
const DRAFT_MEDIA_CACHE = "pdp-brouillon-medias";  // a step's files posted offline (offline.js puts them back)
const FORM_PAGE = /^\/c\/[a-z0-9][a-z0-9-]*\/$/;
const NETWORK_WAIT = 5000;  // ms before a slow network gives way to the kept page

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(ASSET_CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((n) => n.startsWith("pdp-fichiers-") && n !== ASSET_CACHE).map((n) => caches.delete(n))
  )).then(() => self.clients.claim()));
});

// The page asks to keep its form (and the one-page form of the same campaign).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "garder" || !Array.isArray(data.urls)) { return; }
  event.waitUntil(caches.open(PAGE_CACHE).then((cache) => Promise.all(data.urls.map((url) => {
    const target = new URL(url, self.location.origin);
    if (target.origin !== self.location.origin || !FORM_PAGE.test(target.pathname)) { return null; }
    return fetch(target.href, { credentials: "same-origin" }).then((response) => {
      if (response.ok) { return cache.put(target.href, response); }
      return null;
    }).catch(() => null);
  }))));
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("lent")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function keptPage(url) {
  const cache = await caches.open(PAGE_CACHE);
  return (await cache.match(url.href)) || (await cache.match(url.origin + url.pathname)) ||
    (await cache.match(url.href, { ignoreSearch: true }));
}

// The language of the address (?lang=ar, as a bilingual poster's QR code opens it), else the
// device's, else French. The words are plain text from the catalogs: escaped here all the same.
function offlineWords(url) {
  const asked = [url.searchParams.get("lang") || "", ...((self.navigator && self.navigator.languages) || [])];
  const code = asked.map((c) => String(c).toLowerCase().split("-")[0]).find((c) => OFFLINE_WORDS[c]);
  return OFFLINE_WORDS[code || "fr"] || OFFLINE_WORDS.fr;
}

function escaped(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function offlinePage(url) {
  const w = offlineWords(url);
  const html = "<!doctype html><html lang=\"" + escaped(w.lang) + "\" dir=\"" + escaped(w.dir) + "\"><head>" +
    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + escaped(w.title) + " – Porteur de parole</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>" +
    "<body><main id=\"contenu\"><h1>" + escaped(w.title) + "</h1><p class=\"lead\">" + escaped(w.text) + "</p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

async function navigate(request) {
  const url = new URL(request.url);
  try {
    const response = await withTimeout(fetch(request), NETWORK_WAIT);
    if (FORM_PAGE.test(url.pathname)) {
      const cache = await caches.open(PAGE_CACHE);
      if (response.ok) {
        await cache.put(url.href, response.clone());
      } else if (response.status === 404 || response.status === 410) {
        await cache.delete(url.href);
      }
    }
    return response;
  } catch (error) {
    return (await keptPage(url)) || offlinePage(url);
  }
}

// A step of the step-by-step form posted with no connection: open the one-page form
// instead; offline.js puts back what was typed (saved before sending) and the step's
// recordings and drawings, kept here from the posted form (sessionStorage holds no file).
async function postWithoutNetwork(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    await keepStepMedia(copy).catch(() => { /* no file, or no room: the typed words still come back */ });
    const url = new URL(request.url);
    url.searchParams.delete("mode");
    url.searchParams.set("hors-ligne", "1");
    return Response.redirect(url.href, 303);
  }
}

// Files of a step (« media-<question> ») under « <form path>brouillon/<field> » in
// DRAFT_MEDIA_CACHE (a path, not a #fragment: the Cache API ignores fragments).
async function keepStepMedia(request) {
  const form = await request.formData();
  const cache = await caches.open(DRAFT_MEDIA_CACHE);
  const path = new URL(request.url).pathname;
  for (const [name, value] of form.entries()) {
    if (!name.startsWith("media-") || typeof value === "string" || !value.size) { continue; }
    const headers = { "Content-Type": value.type || "application/octet-stream", "X-File-Name": encodeURIComponent(value.name || name) };
    await cache.put(path + "brouillon/" + name, new Response(value, { headers: headers }));
  }
}

async function asset(request) {
  const cache = await caches.open(ASSET_CACHE);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) { return kept; }
  const response = await fetch(request);
  if (response.ok) { await cache.put(request, response.clone()); }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && url.pathname.startsWith("/c/")) {
    if (request.method === "GET") { event.respondWith(navigate(request)); }
    else if (request.method === "POST" && FORM_PAGE.test(url.pathname)) { event.respondWith(postWithoutNetwork(request)); }
    return;
  }
  if (request.method === "GET" && url.pathname.startsWith("/static/")) {
    event.respondWith(asset(request));
  }
});
