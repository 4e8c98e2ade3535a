// Read-aloud: each question's « Écouter la question » reads it and its choices with the
// browser's own French voice (speechSynthesis). Nothing is sent anywhere. Without speech
// synthesis the buttons stay hidden.
(function () {
  "use strict";
  const speech = window.speechSynthesis;
  if (!speech || !window.SpeechSynthesisUtterance) { return; }
  let speaking = null;

  function textOf(el) {
    if (!el) { return ""; }
    const copy = el.cloneNode(true);
    copy.querySelectorAll("button, .visually-hidden, svg").forEach((x) => x.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function words(block) {
    const parts = [textOf(block.querySelector(".q-label"))];
    const help = block.querySelector(".help");
    if (help) { parts.push(textOf(help)); }
    const choices = Array.from(block.querySelectorAll(".option")).map(textOf);
    if (choices.length) { parts.push("Réponses possibles : " + choices.join(" ; ")); }
    return parts.filter(Boolean).join(". ");
  }

  function frenchVoice() {
    const voices = speech.getVoices();
    return voices.find((v) => v.lang === "fr-FR") || voices.find((v) => /^fr/i.test(v.lang)) || null;
  }

  function label(button, playing) {
    button.querySelector("[data-label]").textContent = playing ? "Arrêter la lecture" : "Écouter la question";
  }

  function stop() {
    speech.cancel();
    if (speaking) { label(speaking, false); speaking = null; }
  }

  document.querySelectorAll("[data-listen]").forEach((button) => {
    button.hidden = false;
    label(button, false);
    button.addEventListener("click", () => {
      const again = speaking === button;
      stop();
      if (again) { return; }
      const utterance = new SpeechSynthesisUtterance(words(button.closest(".question")));
      utterance.lang = "fr-FR";
      const voice = frenchVoice();
      if (voice) { utterance.voice = voice; }
      utterance.rate = 0.9;
      utterance.onend = utterance.onerror = () => { if (speaking === button) { label(button, false); speaking = null; } };
      speaking = button;
      label(button, true);
      speech.speak(utterance);
    });
  });
  window.addEventListener("pagehide", stop);
})();
