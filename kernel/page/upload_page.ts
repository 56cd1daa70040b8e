/**
 * The upload page served at `GET /`: plain HTML, CSS and JavaScript in one
 * document, no build step and no outside assets. It holds no secret: the user
 * logs in by pasting the bridge token (from `<store>/bridge.json`), which is
 * kept in `sessionStorage` for this tab only and sent as a bearer token. Its
 * Content-Security-Policy allows only its own inline script and style (by
 * hash) and requests to its own origin, and forbids framing.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { HOLDINGS_BODY, HOLDINGS_SCRIPT, HOLDINGS_STYLE, KEY_RULE_HTML } from "./holdings_view.ts";

const STYLE = `
:root { color-scheme: light dark; --accent: #1a5fb4; --error: #a51d2d; --line: #8a8a8a; }
* { box-sizing: border-box; }
body { font: 1rem/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 44rem; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.25rem; margin-top: 1.5rem; }
.lead, .hint { color: GrayText; margin: 0.25rem 0; }
.hint { font-size: 0.92rem; }
.field { margin: 1rem 0; }
label { display: block; font-weight: 600; }
input[type=text], input[type=password], select, textarea { font: inherit; width: 100%; padding: 0.45rem 0.5rem; border: 1px solid var(--line); border-radius: 4px; }
input[type=file] { font: inherit; width: 100%; padding: 0.3rem 0; }
button { font: inherit; font-weight: 600; padding: 0.5rem 1.1rem; border-radius: 4px; border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: inherit; border-color: var(--line); }
button:disabled { opacity: 0.6; cursor: progress; }
:focus-visible { outline: 3px solid #e5a50a; outline-offset: 2px; }
progress { width: 100%; height: 1.2rem; }
#messages:not(:empty) { border: 2px solid var(--error); border-left-width: 0.5rem; padding: 0.5rem 0.75rem; margin: 1rem 0; }
#messages:not(:empty)::before { content: "Error: "; font-weight: 700; color: var(--error); }
@media (prefers-color-scheme: dark) { :root { --accent: #3584e4; --error: #ff7b7b; } }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; font-size: 0.92rem; }
.row { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
`;

const SCRIPT = `
(function () {
  "use strict";
  var TOKEN_KEY = "owm-bridge-token";
  function $(id) { return document.getElementById(id); }
  function showError(text) { $("messages").textContent = text; }
  function say(text) { $("status").textContent = text; }
  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
  function errorOf(body, status) {
    // A conflict (409) is a plain sentence: what is already there and what to do.
    if (body && body.error && body.error.message) {
      return status === 409 ? body.error.message : body.error.message + " (" + status + ")";
    }
    return "The bridge answered " + status;
  }
  function formatBytes(n) {
    var units = ["bytes", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }
  function fillClasses(kinds) {
    var select = $("class");
    select.textContent = "";
    var placeholder = new Option("Choose a class", "");
    select.add(placeholder);
    kinds.filter(function (k) { return k.publishable; }).forEach(function (k) {
      select.add(new Option(k.name, k.name));
    });
  }
  function showLoggedIn(loggedIn) {
    $("login-section").hidden = loggedIn;
    $("upload-section").hidden = !loggedIn;
  }
  function logIn(value, quiet) {
    return fetch("/api/kinds", {
      headers: { authorization: "Bearer " + value },
      cache: "no-store",
      credentials: "omit",
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) throw new Error(response.status === 401
          ? "The token is not this bridge's: copy the token from bridge.json again"
          : errorOf(body, response.status));
        sessionStorage.setItem(TOKEN_KEY, value);
        fillClasses(body);
        showError("");
        showLoggedIn(true);
        say("Logged in. Choose files to upload.");
        $("files").focus();
      });
    }).catch(function (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLoggedIn(false);
      if (!quiet) { showError(error.message); $("token").focus(); }
    });
  }
  function logOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    $("token").value = "";
    showLoggedIn(false);
    $("result-section").hidden = true;
    say("Logged out.");
    $("token").focus();
  }
  function showResult(result) {
    $("result-id").textContent = result.id;
    var link = $("result-magnet");
    link.href = result.magnetLink;
    link.textContent = result.magnetLink;
    $("result-infohash").textContent = result.infoHash;
    $("result-torrent").textContent = result.torrentFileName;
    $("result-md5").textContent = result.md5;
    $("result-sha256").textContent = result.sha256;
    $("result-section").hidden = false;
    $("result-heading").focus();
  }
  function setBusy(busy) {
    $("upload-form").setAttribute("aria-busy", busy ? "true" : "false");
    $("upload-button").disabled = busy;
  }
  function upload(event) {
    event.preventDefault();
    showError("");
    var files = $("files").files;
    if (!files || files.length === 0) { showError("Choose one or more files, or a .zip"); $("files").focus(); return; }
    if (!$("class").value) { showError("Choose a class"); $("class").focus(); return; }
    if (!$("key").value.trim()) { showError("Give a key"); $("key").focus(); return; }
    var form = new FormData();
    form.append("class", $("class").value);
    form.append("key", $("key").value.trim());
    form.append("description", $("description").value);
    ["title", "license", "citation", "fields"].forEach(function (name) {
      if ($(name).value.trim()) form.append(name, $(name).value.trim());
    });
    if ($("replace").checked) form.append("replace", "true");
    for (var i = 0; i < files.length; i++) form.append("file", files[i], files[i].name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    xhr.setRequestHeader("authorization", "Bearer " + token());
    xhr.responseType = "json";
    var progress = $("progress");
    progress.value = 0;
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      progress.value = Math.round((e.loaded / e.total) * 100);
      $("progress-text").textContent = progress.value + " % (" + formatBytes(e.loaded) + " of " + formatBytes(e.total) + ")";
    });
    xhr.upload.addEventListener("load", function () {
      progress.value = 100;
      say("Uploaded. Publishing: hashing, making the torrent and starting to seed.");
    });
    xhr.addEventListener("load", function () {
      setBusy(false);
      if (xhr.status === 201 && xhr.response) {
        say("Published " + xhr.response.id + ".");
        showResult(xhr.response);
        return;
      }
      showError(errorOf(xhr.response, xhr.status));
      say("");
      if (xhr.status === 401) logOut();
    });
    xhr.addEventListener("error", function () {
      setBusy(false);
      say("");
      showError("The upload failed: the connection was closed (the bridge may have stopped, or refused an upload over its size limit)");
    });
    setBusy(true);
    $("result-section").hidden = true;
    say("Uploading " + files.length + (files.length === 1 ? " file." : " files."));
    xhr.send(form);
  }
  $("login-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = $("token").value.trim();
    if (!value) { showError("Paste the bridge token"); $("token").focus(); return; }
    logIn(value, false);
  });
  $("upload-form").addEventListener("submit", upload);
  $("logout").addEventListener("click", logOut);
  if (token()) logIn(token(), true);
})();
`;

const BODY = `
<header>
  <h1>Upload a dataset</h1>
  <p class="lead">Publish files over BitTorrent through this bridge: they are seeded from here,
  described as a DataSource in the graph, and their .torrent goes to the configured index.</p>
</header>
<main>
  <div id="messages" role="alert"></div>
  <p id="status" role="status" aria-live="polite"></p>

  <section id="login-section" aria-labelledby="login-heading">
    <h2 id="login-heading">Log in</h2>
    <form id="login-form">
      <div class="field">
        <label for="token">Bridge token</label>
        <p id="token-help" class="hint">Copy the value of <code>"token"</code> from
        <code>bridge.json</code> in the bridge's store (by default <code>.owm/bridge.json</code>)
        on the machine running the bridge. It is kept in this browser tab only.</p>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false"
          required aria-describedby="token-help">
      </div>
      <button type="submit">Log in</button>
    </form>
  </section>

${HOLDINGS_BODY}
  <section id="upload-section" aria-labelledby="upload-heading" hidden>
    <h2 id="upload-heading">Files and description</h2>
    <form id="upload-form" aria-busy="false">
      <div class="field">
        <label for="files">Files or a .zip</label>
        <p id="files-help" class="hint">Several files become a folder named after the key; a
        single .zip is checked and unpacked into such a folder; a single other file is published
        as it is.</p>
        <input id="files" name="file" type="file" multiple required aria-describedby="files-help">
      </div>
      <div class="field">
        <label for="class">Class</label>
        <p id="class-help" class="hint">The kind of DataSource that describes the data.</p>
        <select id="class" name="class" required aria-describedby="class-help"></select>
      </div>
      <div class="field">
        <label for="key">Key</label>
        <p id="key-help" class="hint">Names the DataSource: its id becomes
        <code>Class:key</code>. ${KEY_RULE_HTML}</p>
        <input id="key" name="key" type="text" required autocomplete="off" spellcheck="false"
          aria-describedby="key-help key-error">
        <p id="key-error" aria-live="polite"></p>
      </div>
      <div class="field">
        <label for="title">Title</label>
        <p id="title-help" class="hint">A short title, as catalogues (<code>owm index list</code>)
        show it.</p>
        <input id="title" name="title" type="text" autocomplete="off" aria-describedby="title-help">
      </div>
      <div class="field">
        <label for="description">Description</label>
        <textarea id="description" name="description" rows="3"></textarea>
      </div>
      <div class="field">
        <label for="license">Licence</label>
        <p id="license-help" class="hint">An SPDX licence id such as <code>CC-BY-4.0</code> or
        <code>CC0-1.0</code>, or the web address of the licence.</p>
        <input id="license" name="license" type="text" autocomplete="off" spellcheck="false"
          aria-describedby="license-help">
      </div>
      <div class="field">
        <label for="citation">Citation</label>
        <p id="citation-help" class="hint">How to cite the dataset: text, BibTeX or a DOI.</p>
        <textarea id="citation" name="citation" rows="2" aria-describedby="citation-help"></textarea>
      </div>
      <div class="field">
        <label for="fields">Other fields</label>
        <p id="fields-help" class="hint">Any other field of the class, one
        <code>name=value</code> per line, e.g. <code>csvFileName=connections.csv</code>.</p>
        <textarea id="fields" name="fields" rows="2" spellcheck="false"
          aria-describedby="fields-help"></textarea>
      </div>
      <div class="field">
        <label><input id="replace" name="replace" type="checkbox" aria-describedby="replace-help">
        Replace</label>
        <p id="replace-help" class="hint">Replace a different torrent of this same DataSource
        already in the index. Content published under another DataSource is never replaced.</p>
      </div>
      <div class="field">
        <label for="progress">Upload progress</label>
        <progress id="progress" max="100" value="0" aria-describedby="progress-text"></progress>
        <span id="progress-text" class="hint"></span>
      </div>
      <div class="row">
        <button type="submit" id="upload-button">Upload and publish</button>
        <button type="button" id="logout" class="secondary">Log out</button>
      </div>
    </form>
  </section>

  <section id="result-section" aria-labelledby="result-heading" hidden>
    <h2 id="result-heading" tabindex="-1">Published</h2>
    <dl>
      <dt>DataSource</dt><dd id="result-id"></dd>
      <dt>Magnet link</dt><dd><a id="result-magnet" href="#"></a></dd>
      <dt>Infohash</dt><dd id="result-infohash"></dd>
      <dt>Torrent file</dt><dd id="result-torrent"></dd>
      <dt>MD5</dt><dd id="result-md5"></dd>
      <dt>SHA-256</dt><dd id="result-sha256"></dd>
    </dl>
  </section>
</main>
`;

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The page's HTML. */
export const UPLOAD_PAGE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upload a dataset · owmeta-torrent bridge</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
<style>${HOLDINGS_STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
<script>${HOLDINGS_SCRIPT}</script>
</body>
</html>
`;

/** The page's Content-Security-Policy: its own inline script and style only, no framing. */
export const UPLOAD_PAGE_CSP: string = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)} ${sha256(HOLDINGS_SCRIPT)}`,
  `style-src ${sha256(STYLE)} ${sha256(HOLDINGS_STYLE)}`,
  "connect-src 'self'",
  "img-src data:",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");
