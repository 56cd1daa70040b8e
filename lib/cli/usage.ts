/**
 * The `owm` command's help text.
 *
 * @module
 */

/** The help text printed by `owm help`. */
export const USAGE = `owm: describe, save, find and verify research datasets

Usage: deno task owm [--home DIR] <command> [options]

DataSources in the graph:
  init                          create the graph store (default ./.owm, or OWM_HOME)
  save <module.ts> [--context IRI]
                                run the module's owmData(ctx) and save what it adds
  source list [--kind K]        list DataSources (optionally of class K or a subclass)
  source show <id>...           show DataSources (ids: ClassName:key or <IRI>)
  source rm <id>...             remove DataSources
  source list-kinds             list the DataSource classes
  source derivs <id>            the DataSources translated from <id>, as a tree
  source provenance <id>        what <id> was translated from, down to its original data

Querying (SPARQL 1.1 over the store's named graphs; their union is the default graph):
  query '<SPARQL>' [--format F]  SELECT, ASK, CONSTRUCT or DESCRIBE; --file q.rq reads it from a
                                file; F: table (on a terminal), json (SELECT/ASK elsewhere),
                                nq (CONSTRUCT/DESCRIBE elsewhere), csv, tsv, xml, ttl, nt, jsonld

Translating (provenance recorded in the graph):
  translate <translator> <id>... [--key K] [--option name=value]... [--context IRI]
                                load the inputs (fetching them if needed), translate them
                                into a new DataSource, record the Translation; prints its id
  translator list               the translators: zip-to-directory, directory-to-zip, csv-to-rdf

Fetching and publishing:
  fetch <id|magnet|file.torrent> [--peer host:port]... [--dir DIR] [--timeout S] [--repair]
                                download, verify, print the directory (last line); a
                                translated DataSource is made again from its inputs
  publish <path|zip> --class C --key K [--description D] [--tracker URL]... [--web-seed URL]...
                                make the torrent, save the DataSource, push the .torrent
                                to the indexes, then seed until interrupted (--no-seed: don't)
  seed <id|path|file.torrent> [--torrent F] [--dir DIR]
                                seed until interrupted

  Transfer options: --index SPEC (dir:PATH, http(s)://…, drive: or drive:FOLDER; repeatable;
  default OWM_INDEXES, else <store>/torrents), --peer host:port, --web-seed URL, --port N,
  --no-dht, --no-lsd (or OWM_DHT=0, OWM_LSD=0)

Reproducible pipelines (owm.lock):
  lock [<id>...] [--lock PATH]  pin the content present here (of the ids, or of every DataSource
                                whose content is here) in owm.lock: infohash, torrent file name,
                                each file's size and SHA-256; other entries are kept
  fetch <id> --locked [--lock PATH] [--repair]
                                refuse anything the lock does not pin (OWM_LOCKED=1 too);
                                the lockfile: --lock PATH, else OWM_LOCK, else ./owm.lock

Offline mode and the shared cache:
  fetch <id> --offline          use only what is here (the store's data or the shared cache),
                                never the network (OWM_OFFLINE=1 too; also verify --offline)
  cache list                    the shared cache's entries: infohash, sha256, size, last use
  cache gc [--max-size SIZE] [--older-than DAYS] [--all] [--dry-run]
                                remove entries, least recently used first (default: unused
                                for 90 days); the cache: OWM_CACHE_DIR, else
                                $XDG_CACHE_HOME/owmeta-torrent, else ~/.cache/owmeta-torrent;
                                OWM_CACHE=0 turns it off

Private swarms:
  tracker [--hostname H] [--port N] [--udp-port N] [--allow-graph]
                                run an HTTP + UDP tracker (default 127.0.0.1:6969) until
                                interrupted; --allow-graph: only the DataSources' infohashes

Torrents and integrity:
  torrent create <path> [--out F] [--tracker URL]... [--web-seed URL]...
                                make a .torrent of a file or folder
  torrent info <file.torrent>   show a .torrent (refuses malformed or hostile ones)
  verify <path> [--md5 H] [--sha256 H] [--sha512 H] [--torrent F]
  verify <ClassName:key> --content PATH [--torrent F]
                                check content against given or recorded hashes

Google Drive:
  drive auth [--access read|publish|read-publish]
                                authorise Drive as a torrent index (needs <store>/credentials.json)

Other:
  demo                          save the seed example and show it (deno task demo)
  help                          this text

Options:
  --home DIR   the store directory (overrides OWM_HOME; default ./.owm)
  --graph sparql:QUERY-URL[,UPDATE-URL]
               keep the graph in a SPARQL 1.1 server instead of the store's
               graph.nq (overrides OWM_GRAPH; credentials from
               OWM_GRAPH_USER/OWM_GRAPH_PASSWORD or OWM_GRAPH_TOKEN)
  --json       machine-readable output on every read command
  --version    print the version
  --allow-link-local
               let trackers and web seeds at link-local or cloud metadata
               addresses (169.254.0.0/16, fe80::/10, …) be contacted
               (the same as OWM_ALLOW_LINK_LOCAL=1; refused by default)

Exit codes: 0 ok, 1 not found, failed or mismatch, 2 usage error.`;
