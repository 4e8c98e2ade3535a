// Progressive enhancement only: the form works without it.
// 1. show_if: show or hide a question at once when the answer it depends on changes, and
//    number the questions shown 1, 2, 3… with no gap for a hidden one.
// 2. Exclusive choices (« Aucun de ces appareils »): ticking one unticks the others, and
//    ticking another unticks it; a status line says so for screen readers.
// 3. A double tap on "Envoyer" sends once (the server would store it once anyway).
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) { return; }
  var dependants = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));
  var status = form.querySelector("[data-choice-status]");
  // The status line's words, in the page's language (#mots-de-la-page); French without them.
  var words = {};
  try { words = JSON.parse(document.getElementById("mots-de-la-page").getAttribute("data-words")) || {}; } catch (e) { words = {}; }
  var OTHERS_UNTICKED = words.othersUnticked || "« %(label)s » : les autres réponses sont décochées.";
  var UNTICKED = words.unticked || "« %(label)s » est décoché.";

  function valuesOf(name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value) { values.push(el.value); }
    });
    return values;
  }

  function isShown(block) {
    var source = form.querySelector("#bloc-" + block.getAttribute("data-show-if"));
    if (source && source.hidden) { return false; }
    var wanted = block.getAttribute("data-show-values").split(" ");
    return valuesOf(block.getAttribute("data-show-if")).some(function (v) { return wanted.indexOf(v) >= 0; });
  }

  function renumber() {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll("[id^='bloc-']"), function (block) {
      if (block.hidden) { return; }
      n += 1;
      var num = block.querySelector(".q-label .num");
      if (num) { num.textContent = n + "."; }
      var spoken = block.querySelector(".listen .visually-hidden");
      if (spoken) { spoken.textContent = " " + n; }
    });
  }

  function update() {
    dependants.forEach(function (block) {
      var shown = isShown(block);
      block.hidden = !shown;
      var note = block.querySelector(".condition");
      if (note) { note.hidden = true; }
    });
    renumber();
  }

  function labelOf(box) {
    var label = box.closest("label");
    var words = label ? label.querySelector("span") : null;
    return words ? words.firstChild.textContent.trim() : box.value;
  }

  function exclusive(event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) { return; }
    var others = Array.prototype.filter.call(form.elements, function (el) {
      return el.name === box.name && el !== box && el.type === "checkbox" && el.checked &&
        (box.hasAttribute("data-exclusive") || el.hasAttribute("data-exclusive"));
    });
    others.forEach(function (el) { el.checked = false; });
    if (others.length && status) {
      status.textContent = box.hasAttribute("data-exclusive")
        ? OTHERS_UNTICKED.replace("%(label)s", labelOf(box))
        : UNTICKED.replace("%(label)s", labelOf(others[0]));
    }
  }

  form.addEventListener("change", exclusive);
  if (form.getAttribute("data-mode") !== "steps") {
    form.addEventListener("change", update);
    update();
  }

  form.addEventListener("submit", function (event) {
    if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sending", "1");
    window.setTimeout(function () { form.removeAttribute("data-sending"); }, 8000);
  });

  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
})();
