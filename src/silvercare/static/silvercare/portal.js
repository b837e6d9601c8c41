// Read the page aloud in Mandarin with the browser's own speech synthesis (no pop-up, no
// network). The button appears only where the browser can speak.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var button = document.querySelector(".read-aloud");
    if (!button || !("speechSynthesis" in window)) { return; }
    button.hidden = false;
    var speaking = false;
    button.addEventListener("click", function () {
      var synth = window.speechSynthesis;
      if (speaking) {
        synth.cancel();
        speaking = false;
        button.textContent = button.dataset.start;
        return;
      }
      var main = document.querySelector(".portal") || document.querySelector("main");
      var text = main ? main.innerText : document.body.innerText;
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      var voices = synth.getVoices().filter(function (v) { return /^zh(-|_)?CN/i.test(v.lang); });
      if (voices.length) { utterance.voice = voices[0]; }
      utterance.onend = function () { speaking = false; button.textContent = button.dataset.start; };
      speaking = true;
      button.textContent = button.dataset.stop;
      synth.cancel();
      synth.speak(utterance);
    });
  });
})();
