// The wall refreshes itself: new consented cards appear, withdrawn ones go,
// and when there are more cards than fit, they take turns on the screen.
(function () {
  "use strict";
  var main = document.getElementById("mur");
  if (!main) { return; }
  var list = main.querySelector(".wall-cards");
  var source = main.getAttribute("data-source");
  // Cards shown at once: fewer when the question and its QR code take a column of the screen.
  var PER_SCREEN = parseInt(main.getAttribute("data-per-screen"), 10) || 9, REFRESH_MS = 5000, TURN_MS = 12000;
  var cards = [], turn = 0;

  function render() {
    list.textContent = "";
    if (!cards.length) {
      var empty = document.createElement("li");
      empty.className = "wall-card empty";
      empty.appendChild(document.createElement("p")).textContent = "Les paroles recueillies apparaîtront ici.";
      list.appendChild(empty);
      return;
    }
    var start = (turn * PER_SCREEN) % cards.length;
    var shown = cards.slice(start, start + PER_SCREEN);
    shown.forEach(function (card) {
      var item = document.createElement("li");
      item.className = "wall-card";
      item.setAttribute("data-id", card.id);
      item.appendChild(document.createElement("p")).textContent = card.text;
      if (card.name) {
        var who = item.appendChild(document.createElement("p"));
        who.className = "who";
        who.textContent = card.name;
      }
      list.appendChild(item);
    });
  }

  function refresh() {
    fetch(source, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { cards = data.cards; render(); } })
      .catch(function () { /* offline: keep the cards on screen */ });
  }

  window.setInterval(refresh, REFRESH_MS);
  window.setInterval(function () { if (cards.length > PER_SCREEN) { turn += 1; render(); } }, TURN_MS);
  refresh();
})();
