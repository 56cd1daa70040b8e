#!/usr/bin/env python3
"""A client of the owmeta-torrent bridge, in Python with the standard library only.

The bridge (``deno task start``) keeps one torrent session and the graph store
open on 127.0.0.1. It writes its URL and a bearer token to ``<store>/bridge.json``
(the store is ``--home``, else ``$OWM_HOME``, else ``./.owm``); every ``/api``
call sends ``Authorization: Bearer <token>``. The API is described at
``GET /openapi.json``; errors are ``{"error": {"code": ..., "message": ...}}``.

As a library::

    from owm_bridge import Bridge, format_chain

    bridge = Bridge()                      # reads ./.owm/bridge.json (or $OWM_HOME)
    print(bridge.list())                   # [{"id": "CSVDataSource:k", "iri": ..., "kind": ...}]
    directory = bridge.fetch("CSVDataSource:k", peers=["127.0.0.1:6881"])
    print(bridge.verify("CSVDataSource:k")["ok"])
    for event in bridge.events():          # Server-Sent Events, as dicts with a "type"
        print(event["type"])
    made = bridge.translate("zip-to-directory", ["LocalFileDataSource:k-zip"], key="k-folder")
    print(made["id"], made["directory"])   # the output DataSource, where it is on the bridge
    for line in format_chain(bridge.provenance(made["id"]), "←"):  # what it was made from
        print(line)

As a command::

    python3 owm_bridge.py [--home DIR] fetch ClassName:key [--peer host:port]

prints the directory the content was fetched to, and::

    python3 owm_bridge.py translate zip-to-directory LocalFileDataSource:k-zip --key k-folder

runs a translator in the bridge over DataSources present there and prints the
output's id. Commands: ``list``, ``show``, ``fetch``, ``status`` (by
``ClassName:key`` or infohash), ``torrents`` (a table like ``transmission-remote
-l``), ``pause``, ``resume``, ``remove`` (a torrent, by id or infohash; its files
are kept unless ``--delete-data``), ``publish`` (a path under the bridge's
``--publish-root``), ``upload`` (files, or a folder zipped on the fly, sent as
``multipart/form-data``), ``verify``, ``events``, ``translators``,
``translate``, ``provenance`` (what a DataSource was made from), ``derivs``
(what was made from it) and ``query`` (a SPARQL 1.1 query at ``/sparql``;
``--accept TYPE`` for another answer type).

Output is for people (lines and tables) unless ``--json`` is given, which
prints the API's JSON instead::

    python3 owm_bridge.py torrents
    python3 owm_bridge.py status CSVDataSource:k
    python3 owm_bridge.py upload ./my-folder --class CSVDataSource --key k
    python3 owm_bridge.py --json verify CSVDataSource:k

Exit codes: 0 done; 1 the bridge refused or the operation failed (an API
error, a failed fetch, a verify report that is not ok); 2 a usage error, or no
bridge to talk to (no ``bridge.json``, nothing answering, a wrong token).
"""

import argparse
import http.client
import io
import json
import mimetypes
import os
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile

__all__ = ["Bridge", "BridgeError", "format_bytes", "format_chain", "format_status",
           "format_torrents"]

_INFOHASH = re.compile(r"^[0-9a-fA-F]{40}$")


class BridgeError(Exception):
    """A failed bridge call: the HTTP status (0 without an answer), the API's code, a message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def __str__(self):
        return f"{self.message} ({self.code})"


def _quote(value):
    return urllib.parse.quote(value, safe="")


class Bridge:
    """A connection to a running bridge, found through ``<home>/bridge.json``."""

    def __init__(self, home=None, url=None, token=None, timeout=30.0):
        home = os.path.abspath(home or os.environ.get("OWM_HOME") or ".owm")
        self.home = home
        self.timeout = timeout
        if url is None or token is None:
            path = os.path.join(home, "bridge.json")
            try:
                with open(path, encoding="utf-8") as f:
                    file = json.load(f)
            except FileNotFoundError:
                raise BridgeError(
                    0, "not-running",
                    f"No {path}: start the bridge with 'deno task start' (store {home})",
                ) from None
            url = url or file.get("url") or ""
            token = token or file.get("token") or ""
        if not url:
            raise BridgeError(
                0, "not-running",
                f"No bridge runs for the store {home}: start one with 'deno task start'",
            )
        self.url = url.rstrip("/")
        self._token = token
        self._local = threading.local()

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, timeout=..., data=None, content_type=None):
        """Calls the API; returns the parsed JSON answer (None for 204), raises BridgeError.

        ``timeout``: seconds to wait for the answer (None: no limit); default ``self.timeout``.
        ``body`` is sent as JSON; ``data`` (bytes or an iterable of bytes, with
        ``content_type``) as it is.
        """
        headers = self._headers()
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif data is not None:
            headers["Content-Type"] = content_type or "application/octet-stream"
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            wait = self.timeout if timeout is ... else timeout
            with urllib.request.urlopen(req, timeout=wait) as res:
                text = res.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            raise _error_of(error.code, error.read().decode("utf-8", "replace")) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise BridgeError(
                0, "unreachable", f"Cannot reach the bridge at {self.url}: {reason}"
            ) from None
        return json.loads(text) if text else None

    def query(self, sparql, accept=None):
        """Runs a SPARQL 1.1 query at ``/sparql`` (POST ``application/sparql-query``).

        Returns the parsed SPARQL JSON results for SELECT and ASK (by default),
        or the answer's text for other media types (``accept``, e.g.
        ``"text/csv"``, ``"text/turtle"``; CONSTRUCT and DESCRIBE answer Turtle
        by default). Raises BridgeError (``sparql-syntax``, 400) for a query
        that does not parse.
        """
        headers = self._headers({
            "Content-Type": "application/sparql-query",
            "Accept": accept or "application/sparql-results+json, text/turtle;q=0.9",
        })
        body = sparql.encode("utf-8")
        # One connection kept open per thread (measured: 0.72 ms a lookup instead of 1.04 ms
        # with a new connection each); a query is read-only, so a connection the bridge
        # closed meanwhile is opened again and the query sent once more.
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("POST", urllib.parse.urlsplit(self.url).path + "/sparql", body=body,
                             headers=headers)
                res = conn.getresponse()
                text = res.read().decode("utf-8")
                kind = res.getheader("Content-Type", "")
                status = res.status
                if res.will_close:
                    self._drop_connection()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.BadStatusLine) as error:
                self._drop_connection()
                if attempt == 2:
                    raise BridgeError(
                        0, "unreachable", f"Cannot reach the bridge at {self.url}: {error}"
                    ) from None
            except OSError as error:
                self._drop_connection()
                raise BridgeError(
                    0, "unreachable", f"Cannot reach the bridge at {self.url}: {error}"
                ) from None
        if status >= 400:
            raise _error_of(status, text)
        return json.loads(text) if kind.startswith("application/sparql-results+json") else text

    def _connection(self):
        """This thread's kept-alive connection to the bridge (opened on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            parts = urllib.parse.urlsplit(self.url)
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = kind(parts.hostname, parts.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop_connection(self):
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def close(self):
        """Closes this thread's kept-alive connection (``query`` opens a new one if called again)."""
        self._drop_connection()

    def health(self):
        """``GET /api/health``: ``{"ok": true, "torrents": N}``."""
        return self.request("GET", "/api/health")

    def list(self, kind=None):
        """The DataSources: ``[{"id", "iri", "kind"}]``, only those of ``kind`` when given."""
        query = f"?kind={_quote(kind)}" if kind else ""
        return self.request("GET", f"/api/datasources{query}")

    def index(self, kind=None, q=None):
        """The catalogue of the bridge's torrent indexes (``GET /api/index``):
        ``{"entries": [{"id", "class", "title", "description", "size", "fileCount",
        "infoHash", "date", "license", "citation", "torrentFileName", "index", …}],
        "problems": [{"index", "message"}]}``, only ``kind`` (and subclasses) and
        entries matching every word of ``q`` when given."""
        params = [f"{name}={_quote(value)}" for name, value in (("kind", kind), ("q", q)) if value]
        return self.request("GET", "/api/index" + ("?" + "&".join(params) if params else ""))

    def show(self, id):
        """One DataSource: id, iri, kind, key, fields, and its ``owm source show`` text."""
        return self.request("GET", f"/api/datasources/{_quote(id)}")

    def lock_entry(self, id, lock_file=None):
        """The ``owm.lock`` entry of ``id`` (with its ``iri``), as a locked fetch sends it.

        The lockfile is ``lock_file``, else ``$OWM_LOCK``, else ``owm.lock`` in the
        current directory. Raises BridgeError ``lock-mismatch`` when it does not
        pin ``id``, ``no-lock`` when there is no lockfile.
        """
        path = os.path.abspath(lock_file or os.environ.get("OWM_LOCK") or "owm.lock")
        try:
            with open(path, encoding="utf-8") as f:
                lock = json.load(f)
        except FileNotFoundError:
            raise BridgeError(
                0, "no-lock", f"Lockfile {path} does not exist: create it with 'owm lock'"
            ) from None
        shown = self.show(id)
        entry = (lock.get("dataSources") or {}).get(shown["iri"])
        if entry is None:
            raise BridgeError(
                0, "lock-mismatch",
                f"'{shown['id']}' does not match the lock {path}: it is not in the lock. To go on: "
                f"lock it deliberately with 'owm lock {shown['id']}', or fetch it without the lock",
            )
        return dict(entry, iri=shown["iri"])

    def start_fetch(self, id, peers=None, repair=False, lock=None):
        """Starts fetching (idempotent); returns ``{"id", "infoHash", "status", "state", ...}``.

        ``lock``: an entry from :meth:`lock_entry`; the bridge then refuses
        (409 ``lock-mismatch``) anything that differs from it.
        """
        body = {}
        if peers:
            body["peers"] = list(peers)
        if repair:
            body["repair"] = True
        if lock is not None:
            body["lock"] = lock
        return self.request("POST", f"/api/datasources/{_quote(id)}/fetch", body)

    def fetch(self, id, peers=None, repair=False, wait=True, poll=0.25, timeout=None,
              on_progress=None, locked=False, lock_file=None):
        """Fetches a DataSource through the bridge.

        With ``wait`` (the default), polls ``GET /api/torrents/{infoHash}`` every
        ``poll`` seconds until the download is complete, then asks the bridge
        (again, idempotently) until it reports the fetch ``done`` (verified and
        recorded), and returns the directory. ``on_progress(status)`` is called
        with each status polled, and once at the end with the whole torrent's
        status when no poll saw it whole (content served from the shared cache
        or already present, which the bridge then seeds). Without ``wait``, returns the 202 answer.
        With ``locked``, sends the entry of ``id`` in the lockfile (``lock_file``,
        else ``$OWM_LOCK``, else ./owm.lock): the bridge refuses with BridgeError
        ``lock-mismatch`` a different torrent (before downloading) or content
        whose files differ.
        Raises BridgeError ``fetch-failed`` when the torrent errs or the bridge's
        fetch ends without completing, ``timeout`` after ``timeout`` seconds.
        """
        lock = self.lock_entry(id, lock_file) if locked else None
        accepted = self.start_fetch(id, peers, repair, lock)
        if not wait:
            return accepted
        info_hash = accepted["infoHash"]
        deadline = None if timeout is None else time.monotonic() + timeout
        polls = 0
        reported_whole = False
        while accepted["state"] != "done":
            time.sleep(poll)
            polls += 1
            status = None
            try:
                status = self.status(info_hash)
            except BridgeError as error:
                if error.status != 404:  # 404: the torrent is not added yet
                    raise
            if status is not None:
                if on_progress:
                    on_progress(status)
                    reported_whole = status.get("percentDone") == 1
                if status.get("status") == "error" or status.get("error"):
                    raise BridgeError(
                        0, "fetch-failed",
                        f"Fetching '{id}' failed: {status.get('errorString') or 'torrent error'}",
                    )
            complete = status is not None and status.get("percentDone") == 1
            if complete or polls % 8 == 0:
                accepted = self.start_fetch(id, peers, lock=lock)
                if accepted["state"] == "started":
                    raise BridgeError(
                        0, "fetch-failed",
                        f"The bridge's fetch of '{id}' ended without completing (it was started "
                        "again): see the bridge's log or its 'error' events",
                    )
            if deadline is not None and time.monotonic() > deadline and accepted["state"] != "done":
                raise BridgeError(0, "timeout", f"Fetching '{id}' took over {timeout} s")
        if on_progress and not reported_whole:
            # Served from the shared cache or found present: no download to watch, but the
            # bridge seeds it now; its status is the progress there is to report.
            try:
                on_progress(self.status(info_hash))
            except BridgeError as error:
                if error.status != 404:
                    raise
        return accepted["directory"]

    def info_hash_of(self, target):
        """The infohash ``target`` names: itself when it is 40 hex digits, else the
        ``infoHash`` recorded on the DataSource ``target`` (``ClassName:key`` or ``<IRI>``).
        Raises BridgeError ``not-found`` (an unknown id) or ``no-infohash`` (a DataSource
        neither fetched nor published by BitTorrent)."""
        if _INFOHASH.match(target):
            return target.lower()
        shown = self.show(target)
        recorded = (shown.get("fields") or {}).get("infoHash")
        value = recorded[0] if isinstance(recorded, list) and recorded else recorded
        if not isinstance(value, str) or not _INFOHASH.match(value):
            raise BridgeError(
                0, "no-infohash",
                f"{shown['id']} has no infohash recorded (it was neither fetched nor published "
                "by BitTorrent): fetch it first, or give an infohash",
            )
        return value.lower()

    def status(self, target):
        """A torrent's status (Transmission-like: percentDone, rateDownload, peersConnected, ...),
        by infohash or by the id (``ClassName:key``) of the DataSource it distributes."""
        return self.request("GET", f"/api/torrents/{_quote(self.info_hash_of(target))}")

    def pause(self, target):
        """Pauses a torrent (by infohash or DataSource id); returns its status."""
        return self.request("POST", f"/api/torrents/{_quote(self.info_hash_of(target))}/pause")

    def resume(self, target):
        """Resumes a paused torrent (by infohash or DataSource id); returns its status."""
        return self.request("POST", f"/api/torrents/{_quote(self.info_hash_of(target))}/resume")

    def remove(self, target, delete_data=False):
        """Removes a torrent from the bridge (by infohash or DataSource id); returns its
        infohash. Its files are kept unless ``delete_data`` (only files inside the store:
        else BridgeError ``data-outside-store``, 409). The DataSource stays in the graph."""
        info_hash = self.info_hash_of(target)
        query = "?deleteData=true" if delete_data else ""
        self.request("DELETE", f"/api/torrents/{_quote(info_hash)}{query}")
        return info_hash

    def publish(self, path, class_name, key, description=None, title=None, license=None,
                citation=None, fields=None, replace=False, timeout=None):
        """Publishes ``path`` (relative to the bridge's ``--publish-root``, or absolute inside
        it): makes the torrent, the DataSource and the index entry, and seeds it. Returns
        ``{"id", "torrentFileName", "infoHash", "magnetLink", "md5", "sha256"}``. Raises
        BridgeError ``publish-disabled`` (no publish root), ``outside-root`` (403),
        ``not-found`` (404) or a conflict (409)."""
        body = {"path": path, "class": class_name, "key": key}
        for name, value in (("description", description), ("title", title),
                            ("license", license), ("citation", citation)):
            if value is not None:
                body[name] = value
        if fields:
            body["fields"] = dict(fields)
        if replace:
            body["replace"] = True
        return self.request("POST", "/api/publish", body, timeout=timeout)

    def upload(self, paths, class_name, key, description=None, title=None, license=None,
               citation=None, fields=None, replace=False, timeout=None):
        """Uploads content to the bridge (``POST /api/uploads``, ``multipart/form-data``) and
        publishes it there, as the bridge's page does. ``paths``: one file (published as
        it is), a ``.zip`` (unpacked), a folder (zipped here on the fly, with the paths
        inside it, and unpacked there), or several files (a folder named after the key).
        ``fields``: other fields of the class, a dict. Returns what :meth:`publish` returns.
        Raises BridgeError for a refused upload (``bad-request``, ``bad-key``, 409 conflicts,
        413 too large) and ``no-file`` for a path that is not there."""
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        paths = [os.fspath(p) for p in paths]
        if not paths:
            raise BridgeError(0, "no-file", "Give one or more files or a folder to upload")
        parts = []
        for path in paths:
            if os.path.isdir(path):
                if len(paths) > 1:
                    raise BridgeError(
                        0, "no-file",
                        f"{path} is a folder: upload a folder alone, or give files",
                    )
                name = (os.path.basename(os.path.normpath(path)) or "upload") + ".zip"
                parts.append((name, "application/zip", _zip_folder(path)))
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    parts.append((os.path.basename(path), kind, f.read()))
            else:
                raise BridgeError(0, "no-file", f"No file or folder {path}")
        form = [("class", class_name), ("key", key)]
        for name, value in (("description", description), ("title", title),
                            ("license", license), ("citation", citation)):
            if value is not None:
                form.append((name, value))
        if fields:
            form.append(("fields", "\n".join(f"{k}={v}" for k, v in fields.items())))
        if replace:
            form.append(("replace", "true"))
        boundary = "owm-" + secrets.token_hex(16)
        data = _multipart(boundary, form, parts)
        return self.request("POST", "/api/uploads", timeout=timeout, data=data,
                            content_type=f"multipart/form-data; boundary={boundary}")

    def torrents(self):
        """Every torrent's status."""
        return self.request("GET", "/api/torrents")

    def verify(self, id):
        """Verifies fetched or published content; returns the report (``ok``, ``checks``)."""
        return self.request("POST", f"/api/datasources/{_quote(id)}/verify")

    def translators(self):
        """The translators the bridge runs: ``[{"name", "version", "description",
        "inputKinds", "outputKind"}]``."""
        return self.request("GET", "/api/translators")

    def translate(self, translator, inputs, key=None, options=None, timeout=None):
        """Runs ``translator`` in the bridge over ``inputs`` (ids present there, in order).

        ``key`` is the output DataSource's key (default ``<first input's key>-<translator>``);
        ``options`` a dict of translator options (string values). The bridge runs one
        translation at a time; ``timeout`` (seconds, default no limit) bounds the wait.
        Returns ``{"id", "iri", "translation", "translator", "translatorVersion", "inputs",
        "directory", "contentPath", "sha256", "statements"}``. Raises BridgeError
        ``unknown-translator`` (404), ``not-found`` (404, an unknown input), ``not-present``
        (409, an input not fetched or published there), ``input-corrupt`` (409), or
        ``translation-failed`` (422: wrong input kind, bad option, a bad CSV row or zip
        entry, named in the message).
        """
        if isinstance(inputs, str):
            inputs = [inputs]
        body = {"translator": translator, "inputs": list(inputs)}
        if key is not None:
            body["key"] = key
        if options:
            body["options"] = {str(k): str(v) for k, v in options.items()}
        return self.request("POST", "/api/translations", body, timeout=timeout)

    def provenance(self, id):
        """What ``id`` was made from: ``{"id", "iri", "stored", "steps": [{"translator",
        "translatorVersion", "endedAt", "options", "sources": [<node>, ...]}]}``."""
        return self.request("GET", f"/api/datasources/{_quote(id)}/provenance")

    def derivs(self, id):
        """What was made from ``id``: the same tree shape as :meth:`provenance`, outputs in
        ``sources``."""
        return self.request("GET", f"/api/datasources/{_quote(id)}/derivs")

    def events(self):
        """Yields the bridge's events (dicts with a ``type``) from ``GET /api/events``.

        Reads the Server-Sent Events stream with http.client as it arrives
        (lines ending in LF or CRLF; comments skipped; multi-line data joined).
        Ends when the bridge stops; it does not reconnect.
        """
        parts = urllib.parse.urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=None)
        try:
            conn.request("GET", "/api/events", headers=self._headers(
                {"Accept": "text/event-stream"}))
            res = conn.getresponse()
            if res.status != 200:
                raise _error_of(res.status, res.read().decode("utf-8", "replace"))
            name, data = "", []
            while True:
                raw = res.readline()
                if not raw:
                    return
                line = raw.decode("utf-8").rstrip("\n").rstrip("\r")
                if line == "":
                    if data and name != "hello":
                        try:
                            yield json.loads("\n".join(data))
                        except ValueError:
                            pass
                    name, data = "", []
                    continue
                if line.startswith(":"):
                    continue
                field, _, value = line.partition(":")
                if value.startswith(" "):
                    value = value[1:]
                if field == "data":
                    data.append(value)
                elif field == "event":
                    name = value
        finally:
            conn.close()


def _error_of(status, text):
    try:
        body = json.loads(text)
        return BridgeError(status, body["error"]["code"], body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return BridgeError(status, f"http-{status}", f"The bridge answered {status}: {text[:200]}")


def _zip_folder(folder):
    """The folder's files as a zip (names relative to it, folders as entries)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for parent, dirs, files in os.walk(folder):
            dirs.sort()
            rel = os.path.relpath(parent, folder)
            if rel != ".":
                archive.write(parent, rel.replace(os.sep, "/") + "/")
            for name in sorted(files):
                path = os.path.join(parent, name)
                inside = name if rel == "." else f"{rel}/{name}"
                archive.write(path, inside.replace(os.sep, "/"))
    return buffer.getvalue()


def _multipart(boundary, fields, files):
    """A ``multipart/form-data`` body: text ``fields`` (name, value), then ``file`` parts."""
    def quoted(text):
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")

    out = io.BytesIO()
    for name, value in fields:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                  .encode("utf-8"))
        out.write(str(value).encode("utf-8") + b"\r\n")
    for name, kind, content in files:
        out.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                  f"filename=\"{quoted(name)}\"\r\nContent-Type: {kind}\r\n\r\n".encode("utf-8"))
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode("utf-8"))
    return out.getvalue()


def format_bytes(n):
    """Bytes for people, as ``owm`` prints them: ``512 B``, ``1.5 KiB``, ``2.0 GiB``."""
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    value, unit = float(n), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{int(value)} {units[unit]}" if unit == 0 else f"{value:.1f} {units[unit]}"


def _eta(seconds):
    if seconds is None or seconds < 0:
        return "Unknown"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}h{(s // 60) % 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


def _state(t):
    word = str(t.get("status", "")).capitalize()
    return f"{word} ({t['errorString']})" if t.get("errorString") else word


def format_torrents(torrents):
    """Torrent statuses as the lines of a table, like ``transmission-remote -l`` (and
    ``owm bridge list``): a header, one row per torrent, a sum."""
    header = ["ID", "Done", "Have", "ETA", "Up", "Down", "Peers", "Status", "Name"]
    rows = [[t["hashString"][:8], f"{int(t['percentDone'] * 100)}%", format_bytes(t["haveValid"]),
             _eta(t.get("eta")), f"{format_bytes(t['rateUpload'])}/s",
             f"{format_bytes(t['rateDownload'])}/s", str(t["peersConnected"]), _state(t),
             t["name"]] for t in torrents]
    table = [header] + rows
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c if i == len(r) - 1 else c.ljust(widths[i]) for i, c in enumerate(r))
             for r in table]
    have = sum(t["haveValid"] for t in torrents)
    up = sum(t["rateUpload"] for t in torrents)
    down = sum(t["rateDownload"] for t in torrents)
    count = len(torrents)
    lines.append(f"Sum: {count} torrent{'' if count == 1 else 's'}, {format_bytes(have)}, "
                 f"up {format_bytes(up)}/s, down {format_bytes(down)}/s")
    return lines


def format_status(t):
    """One torrent's status as lines, one field a line (as ``owm bridge status``)."""
    banned = t.get("bannedPeers") or []
    corrupt = t.get("corruptEver") or 0
    return [
        f"Name: {t['name']}",
        f"Infohash: {t['hashString']}",
        f"State: {_state(t)}",
        f"Done: {t['percentDone'] * 100:.1f}% ({format_bytes(t['haveValid'])} of "
        f"{format_bytes(t['sizeWhenDone'])}; {t['piecesHave']} of {t['pieceCount']} pieces)",
        f"ETA: {_eta(t.get('eta'))}",
        f"Peers: {t['peersConnected']} connected" + (f"; banned: {', '.join(banned)}"
                                                      if banned else ""),
        f"Rates: down {format_bytes(t['rateDownload'])}/s, up {format_bytes(t['rateUpload'])}/s",
        f"Transferred: {format_bytes(t['downloadedEver'])} down, "
        f"{format_bytes(t['uploadedEver'])} up" + (f", {format_bytes(corrupt)} corrupt"
                                                   if corrupt else ""),
        f"Location: {t['downloadDir']}",
    ]


def _format_verify(target, report):
    lines = []
    for c in report["checks"]:
        lines.append(f"ok   {c['kind']:<10} {c['actual']}" if c["ok"] else
                     f"FAIL {c['kind']:<10} expected {c['expected']} got {c['actual']}")
    total = len(report["checks"])
    failed = sum(1 for c in report["checks"] if not c["ok"])
    lines.append(f"verified {target}: {total} of {total} checks passed" if report["ok"] else
                 f"NOT VERIFIED {target}: {failed} of {total} checks failed")
    return lines


def _format_published(made):
    return [f"published {made['id']}", f"Infohash: {made['infoHash']}",
            f"Magnet: {made['magnetLink']}", f"Torrent: {made['torrentFileName']}",
            f"SHA-256: {made['sha256']}"]


def format_chain(root, arrow):
    """A provenance or derivs tree as indented lines, as ``owm source provenance`` prints it."""
    def label(node):
        text = node["id"]
        if node.get("infoHash"):
            text += f" (torrent {node['infoHash']})"
        if not node.get("stored", True):
            text += " (not in the store)"
        if node.get("repeated"):
            text += " (cycle)"
        return text

    lines = [label(root)]

    def walk(node, indent):
        steps = node.get("steps") or []
        for i, step in enumerate(steps):
            last_step = i == len(steps) - 1
            options = step.get("options") or {}
            shown = f" ({', '.join(f'{k}={v}' for k, v in options.items())})" if options else ""
            lines.append(f"{indent}{'└─' if last_step else '├─'} {arrow} {step['translator']} "
                         f"{step['translatorVersion']} at {step['endedAt']}{shown}")
            inner = indent + ("   " if last_step else "│  ")
            sources = step.get("sources") or []
            for j, child in enumerate(sources):
                last_child = j == len(sources) - 1
                lines.append(f"{inner}{'└─' if last_child else '├─'} {label(child)}")
                walk(child, inner + ("   " if last_child else "│  "))

    walk(root, "")
    return lines


def _options(parser, specs):
    options = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name:
            parser.error(f"--option takes name=value, got '{spec}'")
        options[name] = value
    return options


def _print_json(value):
    print(json.dumps(value, indent=2))


def _progress(status):
    done = status.get("percentDone", 0) * 100
    print(f"{status.get('name', '')}: {done:.1f}% of {format_bytes(status.get('sizeWhenDone', 0))}"
          f", {status.get('status', '')}, {status.get('peersConnected', 0)} peers", file=sys.stderr)


def _fields(parser, specs):
    fields = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        if not sep or not name:
            parser.error(f"--field takes name=value, got '{spec}'")
        fields[name] = value
    return fields


def _describe(command):
    command.add_argument("--class", dest="class_name", required=True, metavar="CLASS",
                         help="the DataSource class, e.g. CSVDataSource")
    command.add_argument("--key", required=True, help="the DataSource's key (its id: CLASS:key)")
    command.add_argument("--title", help="a short title")
    command.add_argument("--description", help="a description")
    command.add_argument("--license", help="an SPDX licence id (e.g. CC-BY-4.0) or a URL")
    command.add_argument("--citation", help="how to cite it")
    command.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                         help="another field of the class (repeatable)")
    command.add_argument("--replace", action="store_true",
                         help="replace a different torrent of this same DataSource")
    command.add_argument("--timeout", type=float, help="seconds to wait at most")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="owm_bridge.py", description=__doc__.split("\n")[0])
    parser.add_argument("--home", help="the store (default $OWM_HOME, else ./.owm)")
    parser.add_argument("--url", help="the bridge's URL (default from bridge.json)")
    parser.add_argument("--token", help="the bearer token (default from bridge.json)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list DataSources")
    listing.add_argument("--kind")
    commands.add_parser("show", help="show a DataSource").add_argument("id")
    catalogue = commands.add_parser(
        "index", help="the catalogue of the bridge's indexes (as owm index list|search)")
    catalogue.add_argument("text", nargs="*", help="only datasets matching every word")
    catalogue.add_argument("--kind", help="only datasets of this class (and subclasses)")
    fetch = commands.add_parser("fetch", help="fetch a DataSource, print its directory")
    fetch.add_argument("id", help="ClassName:key")
    fetch.add_argument("--peer", action="append", default=[], help="host:port to dial")
    fetch.add_argument("--repair", action="store_true")
    fetch.add_argument("--no-wait", action="store_true", help="start it and print the answer")
    fetch.add_argument("--progress", action="store_true", help="print progress to stderr")
    fetch.add_argument("--timeout", type=float, help="seconds to wait at most")
    fetch.add_argument("--locked", action="store_true",
                       help="refuse anything owm.lock does not pin")
    fetch.add_argument("--lock", help="the lockfile (default $OWM_LOCK, else ./owm.lock)")
    commands.add_parser("status", help="a torrent's status").add_argument(
        "target", metavar="id|infohash", help="ClassName:key, or the torrent's infohash")
    commands.add_parser("torrents", help="every torrent's status, as a table")
    for name, what in (("pause", "pause a torrent"), ("resume", "resume a paused torrent")):
        commands.add_parser(name, help=what).add_argument(
            "target", metavar="id|infohash", help="ClassName:key, or the torrent's infohash")
    removing = commands.add_parser("remove", aliases=["rm"],
                                   help="remove a torrent from the bridge (its files are kept)")
    removing.add_argument("target", metavar="id|infohash",
                          help="ClassName:key, or the torrent's infohash")
    removing.add_argument("--delete-data", action="store_true",
                          help="also delete its files (only inside the store)")
    publishing = commands.add_parser(
        "publish", help="publish a path under the bridge's --publish-root and seed it")
    publishing.add_argument("path", help="relative to the publish root, or absolute inside it")
    _describe(publishing)
    uploading = commands.add_parser(
        "upload", help="upload files, a .zip or a folder (zipped on the fly) and publish them")
    uploading.add_argument("paths", nargs="+", metavar="path",
                           help="one folder, or one or more files")
    _describe(uploading)
    commands.add_parser("verify", help="verify fetched content").add_argument("id")
    commands.add_parser("translators", help="the translators the bridge runs")
    querying = commands.add_parser("query", help="run a SPARQL 1.1 query at /sparql")
    querying.add_argument("sparql", help="SELECT, ASK, CONSTRUCT or DESCRIBE")
    querying.add_argument("--accept", help="the answer's media type, e.g. text/csv")
    translate = commands.add_parser(
        "translate", help="run a translator over DataSources present there, print the output's id")
    translate.add_argument("translator", help="a name from 'translators'")
    translate.add_argument("ids", nargs="+", metavar="id", help="input ClassName:key, in order")
    translate.add_argument("--key", help="the output's key")
    translate.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                           help="a translator option (repeatable)")
    translate.add_argument("--timeout", type=float, help="seconds to wait at most")
    commands.add_parser(
        "provenance", help="what a DataSource was made from, as a tree").add_argument("id")
    commands.add_parser(
        "derivs", help="what was made from a DataSource, as a tree").add_argument("id")
    events = commands.add_parser("events", help="print events as JSON lines")
    events.add_argument("--type", action="append", help="only events of this type (repeatable)")
    events.add_argument("--count", type=int, help="stop after this many")
    args = parser.parse_args(argv)
    translator_options = _options(parser, args.option) if args.command == "translate" else {}
    if args.command == "rm":
        args.command = "remove"
    extra_fields = _fields(parser, args.field) if args.command in ("publish", "upload") else {}

    try:
        bridge = Bridge(home=args.home, url=args.url, token=args.token)
        if args.command == "list":
            items = bridge.list(args.kind)
            if args.json:
                _print_json(items)
            else:
                for item in items:
                    print(f"{item['id']}\t{item['kind']}")
        elif args.command == "index":
            found = bridge.index(kind=args.kind, q=" ".join(args.text) or None)
            for problem in found["problems"]:
                print(f"owm_bridge: index {problem['index']}: {problem['message']}",
                      file=sys.stderr)
            if args.json:
                _print_json(found)
            else:
                for e in found["entries"]:
                    facts = [e["class"], f"{e['fileCount']} files" if e["fileCount"] is not None
                             else None, f"{e['size']} bytes" if e["size"] is not None else None,
                             e["license"], e["date"]]
                    print("\t".join([e["id"] or "(no record)", e["title"] or "",
                                     " · ".join(f for f in facts if f), e["infoHash"] or "",
                                     e["index"]]))
        elif args.command == "show":
            shown = bridge.show(args.id)
            if args.json:
                _print_json(shown)
            else:
                print(shown["text"])
        elif args.command == "fetch":
            result = bridge.fetch(args.id, peers=args.peer, repair=args.repair,
                                  wait=not args.no_wait, timeout=args.timeout,
                                  on_progress=_progress if args.progress else None,
                                  locked=args.locked, lock_file=args.lock)
            if args.no_wait or args.json:
                _print_json(result)
            else:
                print(result)
        elif args.command == "status":
            status = bridge.status(args.target)
            if args.json:
                _print_json(status)
            else:
                print("\n".join(format_status(status)))
        elif args.command == "torrents":
            torrents = bridge.torrents()
            if args.json:
                _print_json(torrents)
            else:
                print("\n".join(format_torrents(torrents)))
        elif args.command in ("pause", "resume"):
            status = bridge.pause(args.target) if args.command == "pause" else \
                bridge.resume(args.target)
            if args.json:
                _print_json(status)
            else:
                done = "paused" if args.command == "pause" else "resumed"
                print(f"{done} {status['name']} ({status['hashString']}): {status['status']}")
        elif args.command == "remove":
            info_hash = bridge.remove(args.target, delete_data=args.delete_data)
            if args.json:
                _print_json({"removed": info_hash, "deleteData": args.delete_data})
            else:
                kept = " and its files" if args.delete_data else " (its files are kept)"
                print(f"removed {info_hash}{kept}")
        elif args.command in ("publish", "upload"):
            described = dict(description=args.description, title=args.title,
                             license=args.license, citation=args.citation, fields=extra_fields,
                             replace=args.replace, timeout=args.timeout)
            if args.command == "publish":
                made = bridge.publish(args.path, args.class_name, args.key, **described)
            else:
                made = bridge.upload(args.paths, args.class_name, args.key, **described)
            if args.json:
                _print_json(made)
            else:
                print("\n".join(_format_published(made)))
        elif args.command == "verify":
            report = bridge.verify(args.id)
            if args.json:
                _print_json(report)
            else:
                print("\n".join(_format_verify(args.id, report)))
            return 0 if report.get("ok") else 1
        elif args.command == "query":
            answer = bridge.query(args.sparql, accept=args.accept)
            if isinstance(answer, str):
                sys.stdout.write(answer if answer.endswith("\n") or not answer else answer + "\n")
            else:
                _print_json(answer)
        elif args.command == "translators":
            items = bridge.translators()
            if args.json:
                _print_json(items)
            else:
                for t in items:
                    print(f"{t['name']} {t['version']}\t{', '.join(t['inputKinds'])} → "
                          f"{t['outputKind']}\t{t['description']}")
        elif args.command == "translate":
            made = bridge.translate(args.translator, args.ids, key=args.key,
                                    options=translator_options, timeout=args.timeout)
            if args.json:
                _print_json(made)
            else:
                extra = f" ({made['statements']} statements)" if made["statements"] else ""
                print(f"owm_bridge: {made['translator']} {made['translatorVersion']}: "
                      f"{', '.join(made['inputs'])} → {made['id']}{extra}", file=sys.stderr)
                print(made["id"])
        elif args.command in ("provenance", "derivs"):
            if args.command == "provenance":
                tree, arrow = bridge.provenance(args.id), "←"
            else:
                tree, arrow = bridge.derivs(args.id), "→"
            if args.json:
                _print_json(tree)
            else:
                print("\n".join(format_chain(tree, arrow)))
        elif args.command == "events":
            seen = 0
            for event in bridge.events():
                if args.type and event.get("type") not in args.type:
                    continue
                print(json.dumps(event), flush=True)
                seen += 1
                if args.count is not None and seen >= args.count:
                    break
        return 0
    except BridgeError as error:
        print(f"owm_bridge: {error}", file=sys.stderr)
        unusable = error.code in ("not-running", "unreachable", "unauthorized", "no-file")
        return 2 if unusable else 1
    except KeyboardInterrupt:
        return 1


if __name__ == "__main__":
    sys.exit(main())
