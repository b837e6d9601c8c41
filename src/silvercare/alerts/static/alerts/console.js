// The live alert console: server-sent events keep the table current, a sound and a spoken
// announcement mark a new alert, and the keyboard drives it (J/K, Enter, A, M, R).
(function () {
  "use strict";
  var table = document.getElementById("alert-table");
  if (!table) return;
  var body = table.tBodies[0];
  var d = table.dataset;
  var RANK = { info: 1, warning: 2, urgent: 3, critical: 4 };
  var ACTIVE = { open: 1, acknowledged: 1, in_progress: 1 };
  var soundOn = false;
  var audio = new Audio(d.sound);
  var liveState = document.getElementById("live-state");
  var announce = document.getElementById("announce");
  var toggle = document.getElementById("sound-toggle");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value ||
    (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
  var bodyHeaders = document.body.getAttribute("hx-headers");
  if (!csrf && bodyHeaders) { try { csrf = JSON.parse(bodyHeaders)["X-CSRFToken"]; } catch (e) { /* none */ } }

  toggle.addEventListener("click", function () {
    soundOn = !soundOn;
    toggle.setAttribute("aria-pressed", soundOn ? "true" : "false");
    toggle.textContent = soundOn ? d.soundOn : d.soundOff;
    if (soundOn) { audio.play().catch(function () {}); }
  });

  function detailUrl(id) { return d.detail.replace("00000000-0000-0000-0000-000000000000", id); }
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value == null || value === "" ? "—" : value;
    return el;
  }
  function buildRow(a) {
    var tr = document.createElement("tr");
    tr.dataset.id = a.id; tr.dataset.rank = a.severity; tr.dataset.created = a.created_at;
    tr.dataset.status = a.status; tr.className = "sev-" + a.severity;
    var td = document.createElement("td"); td.appendChild(text("span", a.severity_label, "sev sev-" + a.severity)); tr.appendChild(td);
    td = document.createElement("td");
    var link = text("a", a.kind_label, "open-alert"); link.href = detailUrl(a.id); td.appendChild(link); tr.appendChild(td);
    tr.appendChild(text("td", a.elder_name));
    td = document.createElement("td");
    var t = text("time", new Date(a.created_at).toLocaleTimeString()); t.setAttribute("datetime", a.created_at); td.appendChild(t); tr.appendChild(td);
    tr.appendChild(text("td", a.status_label, "status"));
    tr.appendChild(text("td", a.assignee, "assignee"));
    td = document.createElement("td");
    if (d.mayHandle === "1" && a.status === "open") {
      var b = document.createElement("button"); b.type = "button"; b.className = "ack-button"; b.textContent = d.ackText;
      td.appendChild(b);
    }
    tr.appendChild(td);
    return tr;
  }
  function before(a, tr) {
    var ra = RANK[a.severity], rb = RANK[tr.dataset.rank];
    if (ra !== rb) return ra > rb;
    return a.created_at < tr.dataset.created;
  }
  function upsert(a) {
    var old = body.querySelector('tr[data-id="' + a.id + '"]');
    var empty = body.querySelector(".empty-row");
    if (!ACTIVE[a.status]) { if (old) old.remove(); return; }
    if (empty) empty.remove();
    var tr = buildRow(a);
    var wasSelected = old && old.classList.contains("selected");
    if (old) old.remove();
    var rows = body.querySelectorAll("tr[data-id]"), placed = false;
    for (var i = 0; i < rows.length; i++) { if (before(a, rows[i])) { body.insertBefore(tr, rows[i]); placed = true; break; } }
    if (!placed) body.appendChild(tr);
    if (wasSelected) select(tr);
    if (!old) {
      tr.classList.add("fresh");
      announce.textContent = d.newText + ": " + a.severity_label + " " + a.kind_label + " " + a.elder_name;
      if (soundOn) { audio.currentTime = 0; audio.play().catch(function () {}); }
    }
  }

  var since = new Date().toISOString();
  var source = new EventSource(d.stream + "?since=" + encodeURIComponent(since));
  source.addEventListener("open", function () { liveState.textContent = d.liveText; table.dataset.live = "1"; });
  source.addEventListener("error", function () { liveState.textContent = d.offlineText; table.dataset.live = "0"; });
  source.addEventListener("alert", function (ev) { upsert(JSON.parse(ev.data)); });

  function acknowledge(tr) {
    if (!tr || d.mayHandle !== "1" || tr.dataset.status !== "open") return;
    fetch(detailUrl(tr.dataset.id) + "acknowledge/", {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (a) {
      if (a) { upsert(a); announce.textContent = d.ackDone; }
    });
  }
  function assignMe(tr) {
    if (!tr || d.mayHandle !== "1") return;
    var form = new FormData(); form.append("assignee", "me");
    fetch(detailUrl(tr.dataset.id) + "assign/", {
      method: "POST", credentials: "same-origin", body: form,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (a) { if (a) upsert(a); });
  }
  body.addEventListener("click", function (ev) {
    var button = ev.target.closest(".ack-button");
    if (button) { ev.preventDefault(); acknowledge(button.closest("tr")); }
  });
  body.addEventListener("submit", function (ev) {
    if (ev.target.classList.contains("ack-form")) { ev.preventDefault(); acknowledge(ev.target.closest("tr")); }
  });

  function selected() { return body.querySelector("tr.selected"); }
  function select(tr) {
    var cur = selected(); if (cur) cur.classList.remove("selected");
    if (!tr) return;
    tr.classList.add("selected");
    var link = tr.querySelector("a.open-alert"); if (link) link.focus();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var tag = (ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-id]"));
    var cur = selected(), idx = rows.indexOf(cur);
    var key = ev.key.toLowerCase();
    if (key === "j" || ev.key === "ArrowDown") { select(rows[Math.min(idx + 1, rows.length - 1)] || rows[0]); ev.preventDefault(); }
    else if (key === "k" || ev.key === "ArrowUp") { select(rows[Math.max(idx - 1, 0)]); ev.preventDefault(); }
    else if (key === "a") { acknowledge(cur || rows[0]); ev.preventDefault(); }
    else if (key === "m") { assignMe(cur || rows[0]); ev.preventDefault(); }
    else if (key === "r" && (cur || rows[0])) { window.location.href = detailUrl((cur || rows[0]).dataset.id) + "#resolve-form"; }
  });
})();
