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
output's id. Commands: ``list``, ``show``, ``fetch``, ``status``, ``torrents``,
``verify``, ``events``, ``translators``, ``translate``, ``provenance`` (what a
DataSource was made from), ``derivs`` (what was made from it) and ``query``
(a SPARQL 1.1 query at ``/sparql``; ``--accept TYPE`` for another answer type).

Exit codes: 0 done; 1 the bridge refused or the operation failed (an API
error, a failed fetch, a verify report that is not ok); 2 a usage error, or no
bridge to talk to (no ``bridge.json``, nothing answering, a wrong token).
"""

import argparse
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Bridge", "BridgeError", "format_chain"]


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

    def _headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def request(self, method, path, body=None, timeout=...):
        """Calls the API; returns the parsed JSON answer (None for 204), raises BridgeError.

        ``timeout``: seconds to wait for the answer (None: no limit); default ``self.timeout``.
        """
        data = None
        headers = self._headers()
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
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
        req = urllib.request.Request(self.url + "/sparql", data=sparql.encode("utf-8"),
                                     method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                text = res.read().decode("utf-8")
                kind = res.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            raise _error_of(error.code, error.read().decode("utf-8", "replace")) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise BridgeError(
                0, "unreachable", f"Cannot reach the bridge at {self.url}: {reason}"
            ) from None
        return json.loads(text) if kind.startswith("application/sparql-results+json") else text

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
        with each status polled. Without ``wait``, returns the 202 answer.
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
        return accepted["directory"]

    def status(self, info_hash):
        """A torrent's status (Transmission-like: percentDone, rateDownload, peersConnected, ...)."""
        return self.request("GET", f"/api/torrents/{_quote(info_hash)}")

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
    print(f"{status.get('name', '')}: {done:.1f}% from {status.get('peersConnected', 0)} peers",
          file=sys.stderr)


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
    commands.add_parser("status", help="a torrent's status").add_argument("infohash")
    commands.add_parser("torrents", help="every torrent's status")
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
            _print_json(bridge.status(args.infohash))
        elif args.command == "torrents":
            _print_json(bridge.torrents())
        elif args.command == "verify":
            report = bridge.verify(args.id)
            _print_json(report)
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
        unusable = error.code in ("not-running", "unreachable", "unauthorized")
        return 2 if unusable else 1
    except KeyboardInterrupt:
        return 1


if __name__ == "__main__":
    sys.exit(main())
