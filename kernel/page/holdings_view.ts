/**
 * The part of the bridge's page that shows what runs: a live list of the
 * bridge's DataSources and torrents (state, size, progress, peers, rates,
 * verified or not), kept up to date from `GET /api/events` (Server-Sent
 * Events read with `fetch`, so the token goes in a header, never in a URL),
 * with Verify, Pause, Resume and Remove buttons; and the check of the Key box
 * as it is typed, with the rule shown ({@linkcode PLAIN_KEY}, the same rule as
 * `lib/datasource/identifier.ts`). Plain HTML, CSS and JavaScript; the token
 * is the one the user pasted (kept in `sessionStorage` by the upload part).
 *
 * The upload page ({@linkcode ./upload_page.ts}) includes {@linkcode HOLDINGS_STYLE},
 * {@linkcode HOLDINGS_BODY} and {@linkcode HOLDINGS_SCRIPT}; its
 * Content-Security-Policy allows them by hash.
 *
 * @module
 */
import { PLAIN_KEY, PLAIN_KEY_RULE } from "../../lib/datasource/identifier.ts";

/** Escapes text for HTML. */
function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The rule of a key, as the page shows it under the Key box. */
export const KEY_RULE_HTML: string = html(PLAIN_KEY_RULE);

/** The list's style (after the upload page's, which it widens for the table). */
export const HOLDINGS_STYLE: string = `
body { max-width: 76rem; }
header, #login-section, #upload-section, #result-section, #messages { max-width: 44rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.spread { justify-content: space-between; }
#live { font-size: 0.92rem; }
#live[data-state=live]::before { content: "● "; color: #26a269; }
#live[data-state=off]::before { content: "○ "; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; white-space: nowrap; }
td.name { overflow-wrap: anywhere; }
td.name .hash { display: block; font-family: ui-monospace, monospace; font-size: 0.85rem; color: GrayText; }
td.num { white-space: nowrap; font-variant-numeric: tabular-nums; }
td progress { width: 6rem; height: 0.9rem; vertical-align: middle; }
td .actions { display: flex; gap: 0.35rem; flex-wrap: wrap; }
td .actions button { padding: 0.2rem 0.6rem; font-size: 0.9rem; border-width: 1px; }
.ok { color: #26a269; font-weight: 600; }
.bad { color: var(--error); font-weight: 600; }
#key-error:not(:empty) { color: var(--error); font-weight: 600; margin: 0.25rem 0; }
input[aria-invalid=true] { border-color: var(--error); border-width: 2px; }
@media (max-width: 44rem) {
  #holdings thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  #holdings, #holdings tbody, #holdings tr, #holdings td { display: block; width: 100%; }
  #holdings tr { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 0.75rem; padding: 0.25rem 0.5rem; }
  #holdings td { border: 0; padding: 0.2rem 0; display: grid; grid-template-columns: 6.5rem 1fr; gap: 0.5rem; }
  #holdings td::before { content: attr(data-label); font-weight: 600; }
  #holdings td.num { white-space: normal; }
}
`;

/** The list's section, shown once logged in (before the upload form). */
export const HOLDINGS_BODY: string = `
  <section id="holdings-section" aria-labelledby="holdings-heading" hidden>
    <div class="row spread">
      <h2 id="holdings-heading">What this bridge holds</h2>
      <span id="live" data-state="off">Not connected</span>
    </div>
    <p class="hint">Its DataSources and torrents, kept up to date while this page is open.
    Verify checks the files against the hashes recorded for them; Remove stops sharing a
    torrent and keeps its files.</p>
    <table id="holdings">
      <caption class="visually-hidden">DataSources and torrents of this bridge</caption>
      <thead><tr>
        <th scope="col">DataSource or torrent</th><th scope="col">State</th>
        <th scope="col">Size</th><th scope="col">Progress</th><th scope="col">Peers</th>
        <th scope="col">Rates</th><th scope="col">Verified</th><th scope="col">Actions</th>
      </tr></thead>
      <tbody id="holdings-body"></tbody>
    </table>
    <p id="holdings-empty" class="hint" hidden>Nothing here yet: upload a dataset below, or
    fetch one with <code>owm</code>.</p>
  </section>
`;

/** The list's script and the Key box's check. */
export const HOLDINGS_SCRIPT: string = `
(function () {
  "use strict";
  var TOKEN_KEY = "owm-bridge-token";
  var PLAIN_KEY = new RegExp(${JSON.stringify(PLAIN_KEY.source)});
  var KEY_RULE = ${JSON.stringify(PLAIN_KEY_RULE)};
  function $(id) { return document.getElementById(id); }
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
  function showError(text) { $("messages").textContent = text; }
  function say(text) { $("status").textContent = text; }
  function formatBytes(n) {
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function api(method, path) {
    return fetch(path, {
      method: method,
      headers: { authorization: "Bearer " + token(), accept: "application/json" },
      cache: "no-store",
      credentials: "omit",
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok) return body;
        var message = body && body.error && body.error.message
          ? body.error.message + " (" + response.status + ")"
          : "The bridge answered " + response.status;
        throw new Error(message);
      });
    });
  }

  // The Key box: checked as it is typed, the rule shown; a key that breaks it is never sent.
  var key = $("key");
  function keyProblem() {
    var value = key.value.trim();
    if (value === "" || PLAIN_KEY.test(value)) return "";
    return "\\u201c" + value + "\\u201d cannot be a key. " + KEY_RULE;
  }
  function checkKey() {
    var problem = keyProblem();
    $("key-error").textContent = problem;
    key.setAttribute("aria-invalid", problem ? "true" : "false");
    key.setCustomValidity(problem);
    return problem;
  }
  key.addEventListener("input", checkKey);
  document.addEventListener("submit", function (event) {
    if (event.target !== $("upload-form")) return;
    var problem = checkKey();
    if (!problem) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    showError(problem);
    key.focus();
  }, true);
  // The browser's own bubble would hide the rule: the page shows it instead.
  key.addEventListener("invalid", function (event) {
    if (!keyProblem()) return;
    event.preventDefault();
    showError(keyProblem());
    key.focus();
  });

  // The list.
  var sources = [];       // [{id, kind, infoHash}]
  var details = {};       // id -> infoHash or "" (none recorded)
  var torrents = {};      // infoHash -> status
  var verified = {};      // id -> true | false
  var failures = {};      // id or infoHash -> message
  var stream = null;
  var refreshing = null, again = false;

  function stateWord(t) {
    if (!t) return "Not shared";
    var word = t.status.charAt(0).toUpperCase() + t.status.slice(1);
    return t.errorString ? word + " (" + t.errorString + ")" : word;
  }
  function rows() {
    var list = [], seen = {};
    sources.forEach(function (s) {
      var hash = details[s.id] || "";
      if (hash) seen[hash] = true;
      list.push({ key: "ds:" + s.id, id: s.id, kind: s.kind, hash: hash, torrent: torrents[hash] });
    });
    Object.keys(torrents).sort().forEach(function (hash) {
      if (!seen[hash]) list.push({ key: "t:" + hash, id: "", hash: hash, torrent: torrents[hash] });
    });
    return list;
  }
  // A cell's value is one element inside it (a grid item in the narrow layout).
  function cell(tr, name, label) {
    var td = tr.querySelector("td[data-label=\\"" + label + "\\"]");
    if (!td) {
      td = document.createElement("td");
      td.className = name;
      td.setAttribute("data-label", label);
      td.appendChild(document.createElement("div"));
      tr.appendChild(td);
    }
    return td.firstChild;
  }
  function text(td, value) { if (td.textContent !== value) td.textContent = value; }
  function button(box, action, label, handler) {
    var b = box.querySelector("button[data-action=" + action + "]");
    if (!b) {
      b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.setAttribute("data-action", action);
      b.textContent = action.charAt(0).toUpperCase() + action.slice(1);
      b.addEventListener("click", function () { handler(b.__row); });
      box.appendChild(b);
    }
    b.setAttribute("aria-label", b.textContent + " " + label);
    return b;
  }
  function renderRow(tr, row) {
    var t = row.torrent;
    var label = row.id || (t ? t.name : row.hash);
    var name = cell(tr, "name", "DataSource");
    name.textContent = label;
    if (row.hash) {
      var h = document.createElement("span");
      h.className = "hash";
      h.title = row.hash;
      h.textContent = row.id && t ? t.name + " \\u00b7 " + row.hash.slice(0, 8) + "\\u2026" : row.hash.slice(0, 8) + "\\u2026";
      name.appendChild(h);
    }
    var problem = failures[row.id] || failures[row.hash];
    text(cell(tr, "state", "State"), stateWord(t) + (problem ? " \\u2014 " + problem : ""));
    text(cell(tr, "num size", "Size"), t ? formatBytes(t.sizeWhenDone) : "\\u2014");
    var progressCell = cell(tr, "num progress", "Progress");
    if (t) {
      var bar = progressCell.querySelector("progress");
      var pct = Math.floor(t.percentDone * 100);
      if (!bar) {
        progressCell.textContent = "";
        bar = document.createElement("progress");
        bar.max = 100;
        progressCell.appendChild(bar);
        progressCell.appendChild(document.createTextNode(""));
      }
      bar.value = pct;
      bar.setAttribute("aria-label", "Progress of " + label);
      progressCell.lastChild.textContent = " " + pct + "%";
    } else text(progressCell, "\\u2014");
    text(cell(tr, "num peers", "Peers"), t ? String(t.peersConnected) : "\\u2014");
    text(cell(tr, "num rates", "Rates"), t
      ? "\\u2193 " + formatBytes(t.rateDownload) + "/s \\u2191 " + formatBytes(t.rateUpload) + "/s"
      : "\\u2014");
    var v = cell(tr, "verified", "Verified");
    var ok = row.id ? verified[row.id] : undefined;
    text(v, ok === true ? "Verified" : ok === false ? "Failed" : row.id ? "Not checked" : "\\u2014");
    v.className = ok === true ? "ok" : ok === false ? "bad" : "";
    var box = cell(tr, "actions-cell", "Actions");
    box.className = "actions";
    var verify = button(box, "verify", label, verifyRow);
    verify.hidden = !row.id;
    var pause = button(box, "pause", label, pauseRow);
    var resume = button(box, "resume", label, resumeRow);
    var remove = button(box, "remove", label, removeRow);
    pause.hidden = !t || t.status === "paused";
    resume.hidden = !t || t.status !== "paused";
    remove.hidden = !t;
    [verify, pause, resume, remove].forEach(function (b) { b.__row = row; });
  }
  function render() {
    var body = $("holdings-body");
    var list = rows();
    var keep = {};
    list.forEach(function (row, i) {
      keep[row.key] = true;
      var tr = body.querySelector("tr[data-key=\\"" + CSS.escape(row.key) + "\\"]");
      if (!tr) {
        tr = document.createElement("tr");
        tr.setAttribute("data-key", row.key);
      }
      if (body.children[i] !== tr) body.insertBefore(tr, body.children[i] || null);
      renderRow(tr, row);
    });
    Array.prototype.slice.call(body.children).forEach(function (tr) {
      if (!keep[tr.getAttribute("data-key")]) body.removeChild(tr);
    });
    $("holdings-empty").hidden = list.length > 0;
  }
  function refresh() {
    if (refreshing) { again = true; return refreshing; }
    refreshing = Promise.all([api("GET", "/api/datasources"), api("GET", "/api/torrents")])
      .then(function (answers) {
        sources = answers[0];
        torrents = {};
        answers[1].forEach(function (t) { torrents[t.hashString] = t; });
        return Promise.all(sources.filter(function (s) { return !(s.id in details); })
          .map(function (s) {
            return api("GET", "/api/datasources/" + encodeURIComponent(s.id)).then(function (d) {
              var h = d.fields && d.fields.infoHash;
              details[s.id] = String(Array.isArray(h) ? h[0] || "" : h || "");
            }, function () { details[s.id] = ""; });
          }));
      })
      .then(render, function (error) { showError("Cannot list what the bridge holds: " + error.message); })
      .then(function () {
        refreshing = null;
        if (again) { again = false; refresh(); }
      });
    return refreshing;
  }
  function act(promise, done) {
    showError("");
    return promise.then(done, function (error) { showError(error.message); });
  }
  function verifyRow(row) {
    say("Verifying " + row.id + "\\u2026");
    act(api("POST", "/api/datasources/" + encodeURIComponent(row.id) + "/verify"), function (report) {
      verified[row.id] = report.ok;
      say(report.ok ? "Verified " + row.id + ": every check passed." : row.id + " did not verify.");
      render();
    });
  }
  function torrentAction(row, method, suffix, word) {
    act(api(method, "/api/torrents/" + row.hash + suffix), function (status) {
      if (status) torrents[row.hash] = status; else delete torrents[row.hash];
      say(word + " " + (row.id || row.hash) + ".");
      render();
    });
  }
  function pauseRow(row) { torrentAction(row, "POST", "/pause", "Paused"); }
  function resumeRow(row) { torrentAction(row, "POST", "/resume", "Resumed"); }
  function removeRow(row) {
    var what = row.id || row.hash;
    if (!window.confirm("Stop sharing " + what + "? Its files are kept.")) return;
    torrentAction(row, "DELETE", "", "Removed the torrent of");
  }

  function handle(event) {
    if (event.type === "progress") {
      torrents[event.torrent.hashString] = event.torrent;
      render();
    } else if (event.type === "verified") {
      verified[event.id] = event.ok;
      render();
    } else if (event.type === "error") {
      failures[event.id || event.infoHash] = event.message;
      refresh();
    } else if (event.type === "done" || event.type === "published" || event.type === "translated") {
      if (event.id) delete details[event.id];
      if (event.id) delete failures[event.id];
      refresh();
    }
  }
  function live(on, words) {
    $("live").setAttribute("data-state", on ? "live" : "off");
    $("live").textContent = words;
  }
  function listen() {
    var controller = new AbortController();
    stream = controller;
    fetch("/api/events", {
      headers: { authorization: "Bearer " + token(), accept: "text/event-stream" },
      cache: "no-store",
      credentials: "omit",
      signal: controller.signal,
    }).then(function (response) {
      if (!response.ok || !response.body) throw new Error("events: " + response.status);
      live(true, "Live");
      var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error("the bridge ended the events");
          buffer += decoder.decode(chunk.value, { stream: true }).replace(/\\r\\n?/g, "\\n");
          var end;
          while ((end = buffer.indexOf("\\n\\n")) >= 0) {
            var data = [];
            buffer.slice(0, end).split("\\n").forEach(function (line) {
              if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
            });
            buffer = buffer.slice(end + 2);
            if (data.length) { try { handle(JSON.parse(data.join("\\n"))); } catch (e) { /* not an event */ } }
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      if (stream !== controller) return;
      live(false, "Reconnecting\\u2026");
      setTimeout(function () { if (stream === controller) { refresh(); listen(); } }, 2000);
    });
  }
  function start() {
    $("holdings-section").hidden = false;
    details = {};
    refresh();
    if (!stream) listen();
  }
  function stop() {
    $("holdings-section").hidden = true;
    if (stream) stream.abort();
    stream = null;
    live(false, "Not connected");
  }
  // Shown while logged in: the upload part shows its form then.
  var upload = $("upload-section");
  new MutationObserver(function () { if (upload.hidden) stop(); else start(); })
    .observe(upload, { attributes: true, attributeFilter: ["hidden"] });
  if (!upload.hidden) start();
})();
`;
