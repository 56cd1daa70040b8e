/**
 * The help text of `deno task start` (the bridge).
 *
 * @module
 */

/** Printed by `deno task start --help`. */
export const SERVER_USAGE =
  `owm bridge: serves the store and one torrent session over HTTP on loopback

Usage: deno task start [options]

Options:
  --home DIR            the store directory (default OWM_HOME, else ./.owm)
  --graph sparql:QUERY-URL[,UPDATE-URL]
                        keep the graph in a SPARQL 1.1 server (default OWM_GRAPH,
                        else the store's graph.nq); credentials from
                        OWM_GRAPH_USER/OWM_GRAPH_PASSWORD or OWM_GRAPH_TOKEN
  --port N              the HTTP port; 0 picks a free one (default OWM_PORT, else 8484)
  --hostname H          the address to bind (default 127.0.0.1; another needs --allow-remote)
  --allow-remote        allow binding a non-loopback address (the token is still required)
  --allow-host NAME     also accept this Host name (repeatable)
  --cors-origin ORIGIN  allow this origin to make changes, with CORS headers (repeatable)
  --index SPEC          a torrent index: dir:PATH, http(s)://host/base/, drive: or drive:FOLDER
                        (repeatable; default OWM_INDEXES, else <store>/torrents)
  --peer HOST:PORT      a peer to connect to (repeatable)
  --torrent-port N      the BitTorrent listening port (0 picks a free one)
  --no-dht, --no-lsd    no DHT, no local service discovery (or OWM_DHT=0, OWM_LSD=0)
  --publish-root DIR    POST /api/publish may publish only under DIR (none when not given)
  --max-upload SIZE     the upload size limit, e.g. 500M (default 1G)
  --max-json SIZE       the JSON body size limit (default 1M)
  --sparql-update       accept SPARQL 1.1 Update at /sparql (queries only without it)
  --sparql-timeout S    stop a SPARQL query or update after S seconds (default 5)
  --tracker             also run a tracker for the graph's DataSources (port 6969)
  --tracker-port N      the tracker's port (HTTP and UDP; implies --tracker)
  -h, --help            this text

Prints "listening on http://127.0.0.1:PORT"; the token is in <store>/bridge.json.
SIGINT or SIGTERM saves state and stops. Under deno task the bridge runs with only the
permissions it needs (see lib/runtime/permissions.ts).`;
