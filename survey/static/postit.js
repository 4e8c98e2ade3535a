// Post-its typed one after another (progressive enhancement: without it the form posts as usual).
// At Enter the text is taken and the field emptied at once, so the next post-it can be typed
// straight away: the page never reloads between two post-its and no key is lost. Each post-it
// gets its own answer id (a resend is stored once), waits in this browser (localStorage, so a
// reload or a crash keeps it) and is sent in the background, one at a time and in order.
// « Enregistré » is shown only from the server's reply; a failed send is shown and tried again.
(function () {
  "use strict";
  var form = document.getElementById("postit");
  var field = document.getElementById("texte");
  if (!form || !field || !window.fetch || !window.FormData || !window.JSON) { return; }

  var confirmation = document.getElementById("postit-confirmation");
  var box = document.getElementById("postit-file");
  var state = document.getElementById("postit-file-etat");
  var list = document.getElementById("postit-file-liste");
  var retry = document.getElementById("postit-reessayer");
  var number = document.getElementById("postit-nombre");
  var PREFIX = "pdp-postit:";
  var MAX_BACKOFF = 60;  // s between two tries when the server cannot be reached
  var REFUSED = [404, 409, 410, 413, 422];  // sending again would not help: kept aside, shown
  var tokenField = form.querySelector('input[name="csrf_token"]');
  var queue = [];        // post-its not yet stored, oldest first
  var sequence = 0;
  var sending = false;
  var failures = 0;
  var timer = null;
  var startedAt = null;
  var problem = "";

  // --- the waiting post-its: one localStorage entry each (two tabs never overwrite each other) ---
  var storage = null;
  try { storage = window.localStorage; storage.getItem(PREFIX); } catch (e) { storage = null; }

  function keep(item) {
    if (!storage) { return; }
    try { storage.setItem(PREFIX + item.id, JSON.stringify(item)); } catch (e) { /* full: kept in the page */ }
  }
  function forget(item) {
    if (storage) { try { storage.removeItem(PREFIX + item.id); } catch (e) { /* nothing to do */ } }
  }
  function restore() {
    if (!storage) { return; }
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        try { queue.push(JSON.parse(storage.getItem(key))); } catch (e) { /* unreadable: skip */ }
      }
    }
    queue.sort(function (a, b) { return a.seq - b.seq; });
  }

  function newId() {  // a version 4 UUID; crypto.randomUUID needs HTTPS, getRandomValues does not
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function now() { return new Date().toISOString().replace(/\.\d+Z$/, "Z"); }

  // --- what the person sees ---
  function confirm(message) {
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = message;
    confirmation.textContent = "";
    confirmation.appendChild(p);
  }
  function samePage(url) {  // a post-it of the session shown adds to the count on this page
    try {
      var a = new URL(url, location.href), b = new URL(location.href);
      return a.pathname === b.pathname && (a.searchParams.get("session") || "") === (b.searchParams.get("session") || "");
    } catch (e) { return false; }
  }
  function countOne() {
    var n = parseInt(number.getAttribute("data-count"), 10) + 1;
    var strong = document.createElement("strong");
    strong.textContent = String(n);
    number.setAttribute("data-count", String(n));
    number.textContent = "";
    number.appendChild(strong);
    number.appendChild(document.createTextNode(n === 1 ? " post-it saisi" : " post-it saisis"));
  }
  function render() {
    var refused = queue.filter(function (item) { return item.refused; });
    var waiting = queue.length - refused.length;
    var message = "";
    if (waiting && failures) {
      message = (waiting === 1 ? "1 post-it n'est pas encore enregistré : " + problem
                 + " Il reste sur cet appareil et sera envoyé dès que possible."
                 : waiting + " post-it ne sont pas encore enregistrés : " + problem
                 + " Ils restent sur cet appareil et seront envoyés dès que possible.");
    }
    if (refused.length) {
      message += (message ? " " : "") + (refused.length === 1 ? "1 post-it a été refusé" : refused.length + " post-it ont été refusés")
        + " : voyez la raison ci-dessous.";
    }
    box.hidden = !message;
    if (state.textContent !== message) { state.textContent = message; }
    retry.hidden = !(waiting && failures);
    list.textContent = "";
    if (!message) { return; }
    queue.forEach(function (item) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode("« " + item.text + " » : " + (item.refused || "en attente d'envoi") + " "));
      if (item.refused) {
        var back = document.createElement("button");
        back.type = "button";
        back.className = "button";
        back.textContent = "Remettre dans le champ";
        back.addEventListener("click", function () {
          if (field.value.trim()) { field.focus(); return; }  // never overwrite what is being typed
          field.value = item.text;
          queue.splice(queue.indexOf(item), 1);
          forget(item);
          render();
          field.focus();
        });
        li.appendChild(back);
      }
      list.appendChild(li);
    });
  }

  // --- sending, one at a time, in order ---
  function schedule() {
    var wait = Math.min(Math.pow(2, failures), MAX_BACKOFF);
    clearTimeout(timer);
    timer = setTimeout(pump, wait * 1000);
  }
  function fail(message) {
    failures += 1;
    problem = message;
    sending = false;
    render();
    schedule();
  }
  function freshToken() {  // a new browser session has a new CSRF token
    return fetch("/api/jeton", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body && body.token) { tokenField.value = body.token; } })
      .catch(function () { /* the next try will tell */ });
  }
  function send(item) {
    var body = new FormData();
    body.append("csrf_token", tokenField.value);
    body.append("answer_id", item.id);
    body.append("started_at", item.started_at);
    body.append("texte", item.text);
    return fetch(item.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                             headers: { "Accept": "application/json" } });
  }
  function pump() {
    if (sending) { return; }
    var item = queue.filter(function (i) { return !i.refused; })[0];
    if (!item) { render(); return; }
    sending = true;
    send(item).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (reply) {
          queue.splice(queue.indexOf(item), 1);
          forget(item);
          failures = 0;
          sending = false;
          confirm(reply.message);
          if (reply["new"] && samePage(item.url)) { countOne(); }
          render();
          pump();
        });
      }
      if (REFUSED.indexOf(response.status) >= 0) {
        var reason = json ? response.json() : Promise.resolve({});
        return reason.then(function (reply) {
          item.refused = (reply && reply.message) || "ce post-it n'a pas pu être enregistré.";
          keep(item);
          sending = false;
          render();
          pump();
        });
      }
      if (response.status === 400) {  // most likely a stale security token: get a new one
        return freshToken().then(function () { fail("le jeton de sécurité a été renouvelé."); });
      }
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return fail("votre accès à l'équipe a pris fin ; entrez à nouveau votre code bénévole dans un autre onglet.");
      }
      if (json) {
        return response.json().then(function (reply) { fail(reply.message || "le serveur n'a pas pu l'enregistrer."); });
      }
      fail("le serveur n'a pas pu l'enregistrer pour l'instant.");
    }).catch(function () {
      fail("l'ordinateur de l'équipe ne répond pas (Wi-Fi\u00a0?).");
    });
  }

  // --- typing ---
  field.addEventListener("input", function () {
    if (startedAt === null && field.value) { startedAt = now(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = field.value.trim();
    field.value = "";  // at once, before anything else: the next key goes to an empty field
    if (!text) { return; }
    sequence += 1;
    var item = { id: newId(), url: form.action || location.href, text: text, started_at: startedAt || now(),
                 seq: Date.now() * 1000 + (sequence % 1000) };
    startedAt = null;
    queue.push(item);
    keep(item);
    field.focus();
    pump();
  });
  retry.addEventListener("click", function () {
    clearTimeout(timer);
    pump();
  });
  window.addEventListener("online", function () { clearTimeout(timer); pump(); });

  restore();
  render();
  pump();
})();
