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
                                translated DataSource is made again from its inputs;
                                says every 5 s what it waits for, and gives up after
                                --stall-timeout S (default 120) without progress
  publish <path|zip> --class C --key K [--description D] [--tracker URL]... [--web-seed URL]...
          [--title T] [--license SPDX|URL] [--citation TEXT|DOI] [--field name=value]... [--replace]
                                make the torrent, save the DataSource, push the .torrent and
                                the DataSource's record to every index, then seed until
                                interrupted (--no-seed: don't); --field sets any field of the
                                class (e.g. csvFileName=connections.csv); --replace replaces a
                                different torrent of this same id (content under another id
                                is refused, naming it)
  seed <id|path|file.torrent> [--torrent F] [--dir DIR]
                                seed until interrupted
  index list [--index SPEC]... [--kind K]
                                the catalogue of every configured index: id, class, title,
                                description, size, file count, infohash, date, licence and
                                citation of each dataset (--json: {entries, problems})
  index search TEXT [--index SPEC]... [--kind K]
                                the datasets matching every word of TEXT

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

A running bridge (deno task start; found through <store>/bridge.json):
  bridge list                   its torrents: done, have, ETA, rates, peers, state, name
  bridge status <id|infohash>   one torrent, by DataSource id or infohash
  bridge pause|resume <id|infohash>
                                pause or resume a torrent
  bridge rm <id|infohash> [--delete-data]
                                remove a torrent (its files are kept unless --delete-data)
  bridge verify <id>            verify a DataSource's content through the bridge

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

/** What `owm <command> --help` prints about one command. */
export interface CommandHelp {
  /** The command line, after `deno task owm`. */
  usage: string;
  /** What the command does (one or more lines). */
  about: string;
  /** Option descriptions that differ for this command from {@linkcode OPTION_HELP}. */
  options?: Readonly<Record<string, string>>;
}

/**
 * Each option's meaning and default, as `owm <command> --help` explains it
 * (a command can word one differently in its {@linkcode CommandHelp}).
 */
export const OPTION_HELP: Readonly<Record<string, string>> = {
  home: "DIR: the store directory (default: OWM_HOME, else ./.owm)",
  graph: "sparql:QUERY-URL[,UPDATE-URL]: keep the graph in a SPARQL 1.1 server " +
    "(default: OWM_GRAPH, else the store's graph.nq)",
  json: "machine-readable output (default: human-readable text)",
  help: "this help",
  version: "print owm's version",
  "allow-link-local": "contact trackers and web seeds at link-local or cloud metadata " +
    "addresses (default: refused; OWM_ALLOW_LINK_LOCAL=1 too)",
  kind: "K: only DataSources of class K or a subclass (default: all)",
  context: "IRI: the named graph to save into (default: the store's data graph)",
  out: "F: where to write the .torrent, a file or an existing folder " +
    "(default: ./<name>.torrent)",
  tracker: "URL: a tracker to announce to; repeatable (default: none)",
  "web-seed": "URL: an HTTP(S) web seed holding the content; repeatable (default: none)",
  md5: "H: the expected MD5, in hex (default: not checked)",
  sha256: "H: the expected SHA-256, in hex (default: the recorded one)",
  sha512: "H: the expected SHA-512, in hex (default: not checked)",
  torrent: "F: a .torrent file to check against or seed from (default: the recorded torrent)",
  content: "PATH: the content to check (default: where the store keeps it)",
  index: "SPEC: a torrent index: dir:PATH, http(s)://…, drive: or drive:FOLDER; repeatable " +
    "(default: OWM_INDEXES, else <store>/torrents)",
  peer: "host:port: connect to this peer as well; repeatable (default: only peers found " +
    "by trackers, DHT and local discovery)",
  port: "N: the BitTorrent listening port (default: any free port)",
  "no-dht": "do not use the DHT to find peers (default: DHT on, unless OWM_DHT=0)",
  "no-lsd": "do not use local service discovery (default: on, unless OWM_LSD=0)",
  timeout: "S: give up when the whole download has not completed after S seconds, " +
    "progress or not (default: no limit; see --stall-timeout)",
  "stall-timeout": "S: give up after S seconds without any progress, printing what was " +
    "waited for; 0 waits forever (default: OWM_STALL_TIMEOUT, else 120)",
  repair: "mend content that is present but damaged (missing, truncated, extended or changed " +
    "files) by downloading the bad pieces again (default: refuse damaged content)",
  dir: "DIR: the folder to put the content in (default: the store's data folder)",
  class: "C: the DataSource class, e.g. CSVDataSource (required)",
  key: "K: the DataSource's key, making its id C:K (required for publish; translate: " +
    "default derived from the inputs)",
  description: "D: a description saved with the DataSource (default: none)",
  "no-seed": "do not seed after publishing (default: seed until interrupted)",
  access: "read|publish|read-publish: what owm may do on Drive (default: read)",
  hostname: "H: the address to listen on (default: 127.0.0.1)",
  "udp-port": "N: the UDP tracker port (default: the same as --port)",
  "allow-graph": "track only the infohashes of the store's DataSources (default: any)",
  lock: "PATH: the lockfile (default: OWM_LOCK, else ./owm.lock)",
  locked: "refuse anything the lockfile does not pin (default: off, unless OWM_LOCKED=1)",
  option: "name=value: an option for the translator; repeatable (default: the translator's)",
  offline: "use only what is here, never the network (default: off, unless OWM_OFFLINE=1)",
  "max-size": "SIZE: remove entries until the cache is at most SIZE (bytes, or K, M, G, T " +
    "suffix; default: no size limit)",
  "older-than": "DAYS: remove entries unused for more than DAYS days (default: 90)",
  all: "remove every entry (default: off)",
  "dry-run": "say what would be removed, remove nothing (default: off)",
  file: "F: read the query from the file F (default: the query argument)",
  "delete-data": "also delete the torrent's files (only inside the store; default: keep them)",
  title: "T: the DataSource's title (default: none)",
  license: "SPDX-or-URL: the content's licence, an SPDX id or a URL (default: none)",
  citation: "TEXT: how to cite the content (default: none)",
  field: "name=value: any informational field of the class; repeatable (default: none)",
  replace: "replace a different torrent of this same DataSource already in an index " +
    "(default: refuse)",
  format: "F: table, json, csv, tsv, xml, nq, nt, ttl or jsonld (default: table on a " +
    "terminal, else json for SELECT/ASK and nq for CONSTRUCT/DESCRIBE)",
};

/** The usage line and description of each command (`owm <command> --help`). */
export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  init: { usage: "init", about: "Create the graph store (default ./.owm, or OWM_HOME)." },
  save: {
    usage: "save <module.ts> [--context IRI]",
    about: "Run the module's owmData(ctx) and save the DataSources it adds.",
  },
  demo: { usage: "demo", about: "Save the seed example and show it (deno task demo)." },
  "source list": {
    usage: "source list [--kind K]",
    about: "List the DataSources in the store.",
  },
  "source show": {
    usage: "source show <id>...",
    about: "Show DataSources (ids: ClassName:key or <IRI>).",
  },
  "source rm": { usage: "source rm <id>...", about: "Remove DataSources from the store." },
  "source list-kinds": { usage: "source list-kinds", about: "List the DataSource classes." },
  "source derivs": {
    usage: "source derivs <id>",
    about: "The DataSources translated from <id>, as a tree.",
  },
  "source provenance": {
    usage: "source provenance <id>",
    about: "What <id> was translated from, down to its original data.",
  },
  query: {
    usage: "query '<SPARQL>' [--format F] | query --file q.rq [--format F]",
    about: "Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) over the store's " +
      "named graphs; their union is the default graph.",
  },
  translate: {
    usage: "translate <translator> <id>... [--key K] [--option name=value]... [--context IRI]",
    about: "Load the inputs (fetching them if needed), translate them into a new DataSource " +
      "and record the Translation; prints its id.",
  },
  "translator list": {
    usage: "translator list",
    about: "The translators: zip-to-directory, directory-to-zip, csv-to-rdf.",
  },
  "torrent create": {
    usage: "torrent create <path> [--out F] [--tracker URL]... [--web-seed URL]...",
    about: "Make a .torrent of a file or folder.",
  },
  "torrent info": {
    usage: "torrent info <file.torrent>",
    about: "Show a .torrent (refuses malformed or hostile ones).",
  },
  verify: {
    usage: "verify <path> [--md5 H] [--sha256 H] [--sha512 H] [--torrent F]\n" +
      "       deno task owm verify <ClassName:key> [--content PATH] [--torrent F] [--offline]",
    about: "Check content against given or recorded hashes; exit 1 on a mismatch.",
  },
  "drive auth": {
    usage: "drive auth [--access read|publish|read-publish]",
    about: "Authorise Google Drive as a torrent index (needs <store>/credentials.json).",
  },
  "cache list": {
    usage: "cache list",
    about: "The shared cache's entries: infohash, sha256, size, last use.",
  },
  "cache gc": {
    usage: "cache gc [--max-size SIZE] [--older-than DAYS] [--all] [--dry-run]",
    about: "Remove shared cache entries, least recently used first.",
  },
  fetch: {
    usage: "fetch <id|magnet|file.torrent|infohash> [--peer host:port]... [--dir DIR]\n" +
      "       [--timeout S] [--stall-timeout S] [--repair] [--locked] [--offline] [--replace]",
    about: "Download and verify a DataSource's content (or a torrent's) and print its " +
      "own folder as the last line (and its id). A DataSource the store does not have " +
      "is taken from the record beside its torrent in an index. While nothing arrives " +
      "it says every few seconds what " +
      "it waits for (indexes, trackers, peers).",
    options: {
      replace: "take the index's record of the DataSource over the store's when their " +
        "identity fields differ; the content here is verified against it (default: refuse)",
    },
  },
  publish: {
    usage: "publish <path|zip> --class C --key K [--description D] [--tracker URL]... " +
      "[--web-seed URL]...",
    about: "Make the torrent, save the DataSource, push the .torrent to the indexes, then " +
      "seed until interrupted (--no-seed: don't).",
    options: { index: OPTION_HELP.index!.replace("a torrent index", "an index to publish to") },
  },
  seed: {
    usage: "seed <id|path|file.torrent> [--torrent F] [--dir DIR]",
    about: "Seed content until interrupted.",
  },
  lock: {
    usage: "lock [<id>...] [--lock PATH]",
    about: "Pin the content present here (of the ids, or of every DataSource whose content " +
      "is here) in owm.lock: infohash, torrent file name, each file's size and SHA-256.",
  },
  "bridge list": {
    usage: "bridge list",
    about: "The running bridge's torrents, one a line (like transmission-remote -l): " +
      "infohash prefix, done, have, ETA, rates, peers, state, name. The bridge is found " +
      "through <store>/bridge.json (start one with `deno task start`).",
  },
  "bridge status": {
    usage: "bridge status <id|infohash>",
    about: "One torrent of the running bridge, by DataSource id (ClassName:key) or infohash: " +
      "state, progress, peers, rates, where its files are.",
  },
  "bridge pause": {
    usage: "bridge pause <id|infohash>",
    about: "Pause a torrent of the running bridge (no transfers until resumed).",
  },
  "bridge resume": {
    usage: "bridge resume <id|infohash>",
    about: "Resume a paused torrent of the running bridge.",
  },
  "bridge rm": {
    usage: "bridge rm <id|infohash> [--delete-data]",
    about: "Remove a torrent from the running bridge (its files are kept unless --delete-data).",
  },
  "bridge verify": {
    usage: "bridge verify <id>",
    about: "Have the running bridge verify a DataSource's content against what is recorded; " +
      "exit 1 when a check fails.",
  },
  tracker: {
    usage: "tracker [--hostname H] [--port N] [--udp-port N] [--allow-graph]",
    about: "Run an HTTP + UDP tracker until interrupted.",
    options: { port: "N: the HTTP tracker port (default: 6969)" },
  },
};

/** The options every command takes. */
const GLOBAL_HELP = ["home", "graph", "json", "allow-link-local", "help"];

/**
 * The text of `owm <name> --help`: its usage, what it does, and each of
 * `options` (the command's own, then the global ones) with its meaning and default.
 *
 * @example
 * ```ts
 * import { commandHelpText } from "./usage.ts";
 * console.log(commandHelpText("fetch", ["timeout"]));
 * ```
 */
export function commandHelpText(name: string, options: readonly string[]): string {
  const help = COMMAND_HELP[name] ?? { usage: name, about: "" };
  const describe = (option: string) => {
    const text = help.options?.[option] ?? OPTION_HELP[option] ?? "";
    const [arg, ...rest] = text.includes(": ") && /^[A-Za-z|=:.,[\]-]+: /.test(text)
      ? text.split(": ")
      : ["", text];
    const flag = `--${option}${arg ? ` ${arg}` : ""}`;
    return `  ${flag}\n${wrap(rest.join(": "), 6)}`;
  };
  const lines = [`Usage: deno task owm ${help.usage}`];
  if (help.about) lines.push("", wrap(help.about, 0));
  if (options.length > 0) lines.push("", "Options:", ...options.map(describe));
  lines.push("", "Global options:", ...GLOBAL_HELP.map(describe));
  lines.push("", "Exit codes: 0 ok, 1 not found, failed or mismatch, 2 usage error.");
  return lines.join("\n");
}

/** `text` in lines of at most 80 characters, each indented by `indent` spaces. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent + line.length + 1 + word.length > 80) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}
