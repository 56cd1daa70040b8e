/**
 * Speed of the csv-to-rdf translator on a generated connectome CSV (columns
 * Origin, Target, Type, Number of Connections, Neurotransmitter; CRLF lines;
 * some quoted fields with the delimiter and doubled quotes), side by side with
 * two references on the same file in the same run: `wc -l`, and reading the
 * CSV with our streaming parser alone (decode + parse, no statements). With
 * `--store`, also the time to write the statements into a fresh graph store,
 * as the translation runner then does. Each round times every contender once;
 * the table gives medians over the rounds.
 *
 * `deno task bench:csv [--rows N] [--rounds N] [--store]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { readCsvFile } from "../../lib/csv/read.ts";
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { GraphDataSource } from "../../lib/datasource/graph_data_source.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { GraphStore } from "../../lib/graph/store.ts";
import { csvToRdf } from "../../lib/translate/csv_to_rdf.ts";

const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== "--"), // `deno task x -- --flag` passes the "--"
  options: {
    rows: { type: "string", default: "100000" },
    rounds: { type: "string", default: "3" },
    store: { type: "boolean", default: false },
  },
});
const rows = Number(values.rows);
const rounds = Number(values.rounds);

const CLASSES = ["ADA", "ADE", "ADF", "ADL", "AFD", "AIA", "AIB", "AIM", "AIN", "AIY", "AIZ", "ALA"]
  .concat(["ASE", "ASG", "ASH", "ASI", "ASJ", "ASK", "AUA", "AVA", "AVB", "AVD", "AVE", "AVF"])
  .concat(["AVH", "AVJ", "AVK", "AVL", "AWA", "AWB", "AWC", "BAG", "CEPD", "CEPV", "DVA", "FLP"])
  .concat(["IL1", "IL2", "OLL", "PVC", "PVD", "PVN", "PVQ", "RIA", "RIB", "RIC", "RIH", "RIM"])
  .concat(["RIP", "RIS", "RIV", "RMD", "RME", "SAA", "SIA", "SIB", "SMB", "SMD", "URA", "URX"]);
const NEURONS = [
  ...CLASSES.flatMap((c) => [c + "L", c + "R"]),
  ...Array.from({ length: 9 }, (_, i) => `DA0${i + 1}`),
  ...Array.from({ length: 13 }, (_, i) => `VD${String(i + 1).padStart(2, "0")}`),
];
const TRANSMITTERS = [
  "Glutamate",
  "Acetylcholine",
  "GABA",
  "Dopamine",
  '"Serotonin, Acetylcholine"',
  '"FMRFamide ""flp-1"""',
];

/** A deterministic generator, so every run measures the same file. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeConnectome(path: string): Promise<number> {
  const next = random(302);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let text = "Origin,Target,Type,Number of Connections,Neurotransmitter\r\n";
  let bytes = 0;
  for (let i = 0; i < rows; i++) {
    const gap = next() < 0.3;
    text += `${pick(NEURONS)},${pick(NEURONS)},${gap ? "GapJunction" : "Send"},${
      1 + Math.floor(next() * 40)
    },${gap ? "Generic_GJ" : pick(TRANSMITTERS)}\r\n`;
    if (text.length > 1 << 20 || i === rows - 1) {
      const chunk = encoder.encode(text);
      for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
      bytes += chunk.length;
      text = "";
    }
  }
  return bytes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, Deno.memoryUsage().rss);
}, 50);

const dir = await Deno.makeTempDir({ prefix: "owm-csv-bench-" });
try {
  const csv = join(dir, "connectome.csv");
  console.error(`writing a ${rows}-row connectome CSV in ${dir}…`);
  const size = await writeConnectome(csv);
  const repository = await DataSourceRepository.open({ home: join(dir, "store"), create: true });
  const source = new CSVDataSource({ key: "bench", csvFileName: "connectome.csv" });
  const times = new Map<string, number[]>();
  const record = (label: string, seconds: number) =>
    times.set(label, [...(times.get(label) ?? []), seconds]);
  let statements = 0;
  let nquadsBytes = 0;
  for (let round = 1; round <= rounds; round++) {
    console.error(`round ${round} of ${rounds}…`);
    let start = performance.now();
    const wc = await new Deno.Command("wc", { args: ["-l", csv], stdout: "piped" }).output();
    record("wc -l", (performance.now() - start) / 1000);
    const lines = Number(new TextDecoder().decode(wc.stdout).trim().split(/\s+/)[0]);
    if (lines !== rows + 1) throw new Error(`wc -l counted ${lines} lines, not ${rows + 1}`);

    start = performance.now();
    let records = 0;
    await readCsvFile(csv, () => records++);
    record("parse only", (performance.now() - start) / 1000);
    if (records !== rows + 1) throw new Error(`parsed ${records} records, not ${rows + 1}`);

    const outputDir = await Deno.makeTempDir({ dir, prefix: "out-" });
    start = performance.now();
    const result = await csvToRdf.translate(
      [{ source, directory: dir, contentPath: csv }],
      outputDir,
      {
        repository,
        outputKey: "bench",
        outputIdentifier: new GraphDataSource({ key: "bench" }).identifier,
        options: {},
      },
    );
    record("csv-to-rdf", (performance.now() - start) / 1000);
    statements = result.quads!.length;
    nquadsBytes = (await Deno.stat(join(outputDir, String(result.fields.fileName)))).size;
    await Deno.remove(outputDir, { recursive: true });

    if (values.store) {
      const home = join(dir, `store-${round}`);
      const store = await GraphStore.open({ home, create: true });
      const quads = result.quads!;
      start = performance.now();
      await store.update((tx) => {
        for (let i = 0; i < quads.length; i += 10_000) tx.add(...quads.slice(i, i + 10_000));
      });
      record("store write", (performance.now() - start) / 1000);
      await Deno.remove(home, { recursive: true });
    }
  }
  const mib = size / (1 << 20);
  console.log(
    `${rows} rows, ${statements} statements, ${mib.toFixed(1)} MiB of CSV, ${
      (nquadsBytes / (1 << 20)).toFixed(1)
    } MiB of N-Quads; medians of ${rounds} rounds`,
  );
  console.log("contender      seconds      rows/s  statements/s     MiB/s");
  const translate = median(times.get("csv-to-rdf")!);
  for (const [label, list] of times) {
    const t = median(list);
    console.log(
      `${label.padEnd(12)} ${t.toFixed(3).padStart(9)} ${
        Math.round(rows / t).toLocaleString("en").padStart(11)
      } ${
        (label === "csv-to-rdf" || label === "store write"
          ? Math.round(statements / t).toLocaleString("en")
          : "-").padStart(13)
      } ${(mib / t).toFixed(1).padStart(9)}`,
    );
  }
  console.log(
    `csv-to-rdf takes ${
      (translate / median(times.get("parse only")!)).toFixed(1)
    }× parsing alone, ${(translate / median(times.get("wc -l")!)).toFixed(0)}× wc -l; peak RSS ${
      (peakRss / (1 << 20)).toFixed(0)
    } MiB`,
  );
} finally {
  clearInterval(sampler);
  await Deno.remove(dir, { recursive: true });
}
