// Keyboard on an alert's page: A acknowledges, M assigns to me, R goes to the resolve note.
(function () {
  "use strict";
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var key = ev.key.toLowerCase();
    var ack = document.getElementById("ack-form");
    var mine = document.getElementById("assign-me-form");
    var note = document.getElementById("resolve-note");
    if (key === "a" && ack) { ev.preventDefault(); ack.requestSubmit(); }
    else if (key === "m" && mine) { ev.preventDefault(); mine.requestSubmit(); }
    else if (key === "r" && note) { ev.preventDefault(); note.focus(); }
  });
  if (window.location.hash === "#resolve-form") {
    var n = document.getElementById("resolve-note"); if (n) n.focus();
  }
})();
