// Read-aloud: each question's « Écouter la question » reads it and its choices with the
// browser's own voice for the page's language (speechSynthesis voices by `lang`: French for a
// French form, Arabic for an Arabic one). Nothing is sent anywhere. Without speech synthesis
// the buttons stay hidden. A device that has speech synthesis but no voice for the language
// gets a button that says so, instead of a button that does nothing. The words come from the
// page (#mots-de-la-page, data-words: the page's language), French when a page has none.
// getVoices() may be empty at first and fill later (``voiceschanged``): an empty list is
// "not known yet", so the button then tries to speak and says so if nothing starts.
(function () {
  "use strict";
  const speech = window.speechSynthesis;
  if (!speech || !window.SpeechSynthesisUtterance) { return; }
  const given = document.getElementById("mots-de-la-page");
  let words = {};
  try { words = JSON.parse((given && given.getAttribute("data-words")) || "{}"); } catch (error) { words = {}; }
  const LANG = (words.lang || document.documentElement.lang || "fr").toLowerCase();
  const LISTEN = words.listen || "Écouter la question";
  const STOP = words.stop || "Arrêter la lecture";
  const NO_VOICE = words.noVoice || "Pas de voix française sur cet appareil : lecture impossible";
  const CHOICES = words.choices || "Réponses possibles : %(choices)s";
  // The region a voice of this language is first looked for in (fr-FR, ar-SA…): any will do after.
  const PREFERRED = { fr: "fr-FR", en: "en-GB", ar: "ar-SA" }[LANG] || LANG;
  const START_WAIT_MS = 4000;  // no start, no end, no error after this: nothing will be heard
  const buttons = Array.from(document.querySelectorAll("[data-listen]"));
  let speaking = null;
  let watchdog = null;

  function textOf(el) {
    if (!el) { return ""; }
    const copy = el.cloneNode(true);
    copy.querySelectorAll("button, .visually-hidden, svg").forEach((x) => x.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function spoken(block) {
    const parts = [textOf(block.querySelector(".q-label"))];
    const help = block.querySelector(".help");
    if (help) { parts.push(textOf(help)); }
    const choices = Array.from(block.querySelectorAll(".option")).map(textOf);
    if (choices.length) { parts.push(CHOICES.replace("%(choices)s", choices.join(" ; "))); }
    return parts.filter(Boolean).join(". ");
  }

  // "yes" (a voice of the page's language), "no" (voices, none of it), "unknown" (no list yet, or none given).
  function languageVoice() {
    const voices = speech.getVoices() || [];
    const ofLanguage = (v) => (v.lang || "").toLowerCase().replace("_", "-").split("-")[0] === LANG;
    const voice = voices.find((v) => v.lang === PREFERRED) || voices.find(ofLanguage);
    return {state: voice ? "yes" : (voices.length ? "no" : "unknown"), voice: voice || null};
  }

  function label(button, text) {
    button.querySelector("[data-label]").textContent = text;
    button.classList.toggle("no-voice", text === NO_VOICE);
  }

  function noVoice(button) {
    label(button, NO_VOICE);  // still a button: a tap looks again (a voice may have been installed)
  }

  function showVoices() {
    const state = languageVoice().state;
    buttons.forEach((button) => {
      if (button === speaking) { return; }
      if (state === "no") { noVoice(button); return; }
      if (state === "yes" || !button.classList.contains("no-voice")) { label(button, LISTEN); }
    });
  }

  function stop() {
    window.clearTimeout(watchdog);
    speech.cancel();
    if (speaking) { label(speaking, LISTEN); speaking = null; }
  }

  function play(button) {
    const found = languageVoice();
    if (found.state === "no") { noVoice(button); return; }
    const utterance = new SpeechSynthesisUtterance(spoken(button.closest(".question")));
    utterance.lang = found.voice ? found.voice.lang : PREFERRED;
    if (found.voice) { utterance.voice = found.voice; }
    utterance.rate = 0.9;
    let heard = false;
    utterance.onstart = () => { heard = true; window.clearTimeout(watchdog); };
    utterance.onend = () => {
      heard = true;
      window.clearTimeout(watchdog);
      if (speaking === button) { label(button, LISTEN); speaking = null; }
    };
    utterance.onerror = (event) => {
      window.clearTimeout(watchdog);
      if (speaking !== button) { return; }
      speaking = null;
      // "interrupted"/"canceled": stopped by the person; anything else: no voice to speak with.
      if (event && (event.error === "interrupted" || event.error === "canceled")) { label(button, LISTEN); }
      else { speech.cancel(); noVoice(button); }
    };
    speaking = button;
    label(button, STOP);
    speech.speak(utterance);
    if (found.state === "unknown") {
      watchdog = window.setTimeout(() => {
        if (heard || speaking !== button) { return; }
        speaking = null;
        speech.cancel();
        noVoice(button);
      }, START_WAIT_MS);
    }
  }

  buttons.forEach((button) => {
    button.hidden = false;
    label(button, LISTEN);
    button.addEventListener("click", () => {
      const again = speaking === button;
      stop();
      if (!again) { play(button); }
    });
  });
  showVoices();
  speech.addEventListener("voiceschanged", showVoices);
  window.addEventListener("pagehide", stop);
})();
