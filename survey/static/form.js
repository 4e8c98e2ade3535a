// Progressive enhancement only: the form works without it.
// 1. show_if: show or hide a question at once when the answer it depends on changes.
// 2. A double tap on "Envoyer" sends once (the server would store it once anyway).
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) { return; }
  var dependants = Array.prototype.slice.call(form.querySelectorAll("[data-show-if]"));

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

  function update() {
    dependants.forEach(function (block) {
      var shown = isShown(block);
      block.hidden = !shown;
      var note = block.querySelector(".condition");
      if (note) { note.hidden = true; }
    });
  }

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
