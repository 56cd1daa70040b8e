/**
 * The README's "Two machines" walkthrough, as data: the commands a new user
 * types on machine A and on machine B, with placeholders for the places that
 * differ between the README (example host names and folders) and the test
 * (loopback, temporary folders). tests/e2e/two_machines_test.ts runs exactly
 * these commands; {@linkcode readmeSection} renders the README text from
 * them, and the test checks that README.md holds that text, so that the two
 * cannot drift.
 *
 * @module
 */

/** One command of the walkthrough: `owm …args`, on a machine, with variables set for it alone. */
export interface Step {
  /** The machine it runs on. */
  machine: "A" | "B";
  /** What it does, in the README's words (a comment above the command). */
  say: string;
  /** The arguments after `owm`, with `{PLACEHOLDER}`s. */
  args: readonly string[];
  /** Variables set for this command only (e.g. `OWM_OFFLINE=1`). */
  env?: Readonly<Record<string, string>>;
}

/** The variables each machine sets once, before its commands (with placeholders). */
export const MACHINE_ENV: Readonly<Record<"A" | "B", Readonly<Record<string, string>>>> = {
  A: { OWM_HOME: "{A}/.owm", OWM_CACHE_DIR: "{A}/cache" },
  B: { OWM_HOME: "{B}/.owm", OWM_CACHE_DIR: "{B}/cache" },
};

/** The walkthrough, in order. */
export const STEPS: readonly Step[] = [
  {
    machine: "A",
    say: "publish the folder to a folder index and an HTTP index, and seed it (Ctrl-C stops)",
    args: [
      "publish",
      "{DATASET}",
      "--class",
      "CSVDataSource",
      "--key",
      "worms",
      "--field",
      "csvFileName=connections.csv",
      "--title",
      "C. elegans connections",
      "--license",
      "CC-BY-4.0",
      "--index",
      "{FOLDER_INDEX}",
      "--index",
      "{HTTP_INDEX}",
      "--port",
      "{PORT}",
    ],
  },
  { machine: "B", say: "what the index holds", args: ["index", "list", "--index", "{INDEX}"] },
  {
    machine: "B",
    say: "fetch it by its id: the DataSource comes from the index's record",
    args: ["fetch", "CSVDataSource:worms", "--index", "{INDEX}", "--peer", "{A_PEER}"],
  },
  {
    machine: "B",
    say: "check it (no index needed any more)",
    args: ["verify", "CSVDataSource:worms"],
  },
  { machine: "B", say: "pin it in ./owm.lock", args: ["lock", "CSVDataSource:worms"] },
  {
    machine: "B",
    say: "turn the CSV into RDF",
    args: ["translate", "csv-to-rdf", "CSVDataSource:worms"],
  },
  {
    machine: "B",
    say: "later, with A gone and no network: the pinned content, checked against owm.lock",
    args: ["fetch", "CSVDataSource:worms", "--locked"],
    env: { OWM_OFFLINE: "1" },
  },
];

/** The README's example values of the placeholders. */
export const README_VALUES: Readonly<Record<string, string>> = {
  A: "~/alice",
  B: "~/bob",
  DATASET: "./worm_dataset",
  FOLDER_INDEX: "dir:/shared/owm-torrents",
  HTTP_INDEX: "https://index.example.org/owm/",
  INDEX: "https://index.example.org/owm/",
  PORT: "6881",
  A_PEER: "alice.example.org:6881",
};

/**
 * `text` with each `{NAME}` replaced by `values[NAME]`.
 *
 * @throws {Error} for a placeholder without a value.
 */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{([A-Z_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${text}`);
    return value;
  });
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@,~+-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, "\\$1")}"`;
}

/** The commands of one machine as a shell block (the README's form). */
export function shellBlock(machine: "A" | "B", values = README_VALUES): string {
  const lines = Object.entries(MACHINE_ENV[machine]).map(([k, v]) =>
    `export ${k}=${fill(v, values)}`
  );
  for (const step of STEPS.filter((s) => s.machine === machine)) {
    lines.push(`# ${step.say}`);
    const env = Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v} `).join("");
    const words = step.args.map((a) => shellWord(fill(a, values)));
    const line = `${env}deno task owm ${words.join(" ")}`;
    // A long command is continued on the next lines, one option a line.
    lines.push(
      line.length <= 90
        ? line
        : `${env}deno task owm ${
          words.map((w, i) => (i > 0 && w.startsWith("--") ? ` \\\n    ${w}` : ` ${w}`)).join("")
            .slice(1)
        }`,
    );
  }
  return lines.join("\n");
}

/** The README section, generated from {@linkcode STEPS}. */
export function readmeSection(): string {
  return `## Two machines

A researcher publishes a dataset on machine A; another, on machine B with an
empty store, finds it, fetches it by its id, verifies it, pins it, translates
it and later works offline. Each machine has its own store (\`OWM_HOME\`) and
shared cache (\`OWM_CACHE_DIR\`), and runs \`deno task owm\` as in the tour
above. The indexes are a folder both machines see
(\`dir:/shared/owm-torrents\`) and an HTTP index (\`https://index.example.org/owm/\`;
set \`OWM_INDEX_TOKEN\` on A to publish to it); a Google Drive folder
(\`--index drive:\`) works the same way.

On machine A, with the dataset in \`./worm_dataset\` (\`connections.csv\` and
whatever else belongs to it):

\`\`\`sh
${shellBlock("A")}
\`\`\`

\`publish\` puts the \`.torrent\` and, beside it, the DataSource's record (its
statements and its class's schema, Turtle) in every index, and seeds until
stopped.

On machine B, starting from nothing:

\`\`\`sh
${shellBlock("B")}
\`\`\`

\`fetch\` finds the record of \`CSVDataSource:worms\` in the index, checks it
(a record is untrusted input), saves it in a graph named after that index,
downloads the content and verifies it, keeps the \`.torrent\` in B's store and
prints the content's own folder (\`~/bob/.owm/data_source_data/bittorrent/worms/worm_dataset\`).
From then on the store stands on its own: \`verify\`, \`lock\`, \`translate\`,
\`seed\`, \`fetch --offline\` and the bridge need no \`--index\` or \`--peer\`.
With DHT or a tracker, \`--peer\` is not needed either: it names A here.

If B's store already has a \`CSVDataSource:worms\` whose identity fields
(torrent, infohash, hashes, file names) differ from the index's record,
\`fetch\` says which and changes nothing; \`owm fetch CSVDataSource:worms --replace\`
takes the record's. A magnet link, a \`.torrent\` file or a bare infohash
works too: \`fetch\` records a DataSource for it (the index's record when there
is one, else \`LocalFileDataSource:<infohash>\`) and prints its id.
`;
}
