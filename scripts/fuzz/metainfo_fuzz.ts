/**
 * A fuzzer for the bencode/metainfo parsing path: random and mutated inputs
 * (from libtorrent's torrent-file corpus in tests/testdata/libtorrent/) go
 * through `decodeBencode` and `parseMetainfo`. A refusal must be a
 * `BencodeError` or `MetainfoError`; anything else is a crash, saved with a
 * reproducer. An input taking more than a second is a hang. The heap is
 * sampled and must stay under a bound.
 *
 * ```sh
 * deno task fuzz -- --count 100000 --seed 7
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { BencodeError, decodeBencode } from "../../lib/torrent/bencode.ts";
import { MetainfoError, parseMetainfo } from "../../lib/torrent/metainfo.ts";

/** Options for {@linkcode runFuzz}. */
export interface FuzzOptions {
  /** How many inputs to run. */
  count: number;
  /** The PRNG seed: the same seed gives the same inputs. */
  seed: number;
  /** Milliseconds above which one input counts as a hang. @default {1000} */
  hangMs?: number;
  /** The heap (heapUsed, MiB) above which the run fails as unbounded memory. @default {1024} */
  maxHeapMiB?: number;
  /** Where crash reproducers go; a fresh temporary directory by default. */
  reproDir?: string;
  /** Called with a progress line every `progressEvery` inputs. */
  onProgress?: (line: string) => void;
  /** @default {10000} */
  progressEvery?: number;
}

/** One failing input. */
export interface FuzzFinding {
  kind: "crash" | "hang" | "memory";
  index: number;
  seed: number;
  generator: string;
  detail: string;
  /** The saved input, for a crash or a hang. */
  reproducer?: string;
}

/** What a run found. */
export interface FuzzSummary {
  inputs: number;
  crashes: number;
  hangs: number;
  /** Inputs that parsed as a torrent. */
  accepted: number;
  /** The slowest input, in milliseconds. */
  maxMs: number;
  peakHeapMiB: number;
  peakRssMiB: number;
  findings: FuzzFinding[];
  /** The one-line summary. */
  line: string;
}

const CORPUS = new URL("../../tests/testdata/libtorrent/", import.meta.url);
const enc = new TextEncoder();

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The corpus files' bytes. */
export function loadCorpus(): Uint8Array[] {
  return [...Deno.readDirSync(CORPUS)]
    .map((entry) => entry.name)
    .filter((name) => name.endsWith(".torrent"))
    .sort()
    .map((name) => Deno.readFileSync(new URL(name, CORPUS)));
}

function concat(parts: (Uint8Array | string)[]): Uint8Array {
  const chunks = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const INTEGERS = [
  "0",
  "-0",
  "00",
  "-1",
  "1",
  "9007199254740991",
  "9007199254740992",
  "-9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "99999999999999999999999999999999",
  "4294967296",
  "2147483648",
  "536870912",
  "536870913",
  "",
  "-",
  "1e3",
  " 1",
];
const LENGTHS = [
  "999999999999:",
  "4294967296:",
  "2147483647:",
  "99999999999999999999:",
  "-1:",
  "01:",
  "9007199254740993:",
  "67108864:",
];
const KEYS = [
  "info",
  "name",
  "name.utf-8",
  "piece length",
  "pieces",
  "length",
  "files",
  "path",
  "path.utf-8",
  "meta version",
  "file tree",
  "announce",
  "announce-list",
  "url-list",
  "attr",
  "pieces root",
  "private",
];

type Gen = (random: () => number, corpus: Uint8Array[]) => Uint8Array;

function int(random: () => number, n: number): number {
  return Math.floor(random() * n);
}
function pick<T>(random: () => number, items: readonly T[]): T {
  return items[int(random, items.length)]!;
}

/** A random bencode-ish value as text, built from wrong types and edge cases. */
function randomValue(random: () => number, depth: number): string {
  const choice = int(random, depth > 4 ? 3 : 6);
  switch (choice) {
    case 0:
      return `i${pick(random, INTEGERS)}e`;
    case 1: {
      const s = pick(random, [
        ...KEYS,
        "",
        "..",
        "/etc/passwd",
        "a\u0000b",
        "CON",
        "x".repeat(300),
      ]);
      return `${enc.encode(s).length}:${s}`;
    }
    case 2:
      return `${pick(random, ["20:", "40:", "19:", "0:"])}${"a".repeat(int(random, 41))}`;
    case 3:
      return `l${
        Array.from({ length: int(random, 4) }, () => randomValue(random, depth + 1)).join("")
      }e`;
    default: {
      const keys = Array.from({ length: int(random, 5) }, () => pick(random, KEYS));
      if (random() < 0.5) keys.sort();
      return `d${keys.map((k) => `${k.length}:${k}${randomValue(random, depth + 1)}`).join("")}e`;
    }
  }
}

const GENERATORS: [string, Gen][] = [
  ["mutate", (random, corpus) => mutate(pick(random, corpus), random)],
  ["random-bytes", (random) => {
    const out = new Uint8Array(int(random, 512));
    for (let i = 0; i < out.length; i++) out[i] = int(random, 256);
    return out;
  }],
  ["huge-length", (random, corpus) => {
    const base = pick(random, corpus);
    const at = int(random, base.length);
    return concat([base.subarray(0, at), pick(random, LENGTHS), base.subarray(at)]);
  }],
  ["deep-nesting", (random) => {
    const depth = pick(random, [50, 99, 100, 101, 1000, 100_000, 1_000_000]);
    const open = random() < 0.5 ? "l" : "d1:a";
    const inner = pick(random, ["i1e", "0:", "", "le"]);
    const close = random() < 0.7 ? "e".repeat(depth) : "";
    return enc.encode(open.repeat(depth) + inner + close);
  }],
  ["wrong-types", (random) => {
    const info = randomValue(random, 1);
    const extra = random() < 0.5 ? `8:announce${randomValue(random, 1)}` : "";
    return enc.encode(`d${extra}4:info${info}e`);
  }],
  ["torrent-shaped", (random) => {
    const fields: [string, string][] = [
      ["length", `i${pick(random, INTEGERS)}e`],
      ["name", random() < 0.8 ? "4:data" : randomValue(random, 2)],
      ["piece length", `i${pick(random, ["16384", ...INTEGERS])}e`],
      ["pieces", random() < 0.7 ? `20:${"p".repeat(20)}` : randomValue(random, 2)],
    ];
    if (random() < 0.4) {
      fields.push([
        "files",
        random() < 0.5 ? randomValue(random, 2) : "ld6:lengthi1e4:pathl1:aeee",
      ]);
    }
    if (random() < 0.2) fields.push(["meta version", `i${pick(random, INTEGERS)}e`]);
    fields.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const body = fields.map(([k, v]) => `${k.length}:${k}${v}`).join("");
    return enc.encode(`d4:infod${body}ee`);
  }],
  ["duplicate-keys", (random, corpus) => {
    if (random() < 0.5) return enc.encode("d4:infod4:name1:a4:name1:bee");
    // Splice the first 64 bytes after the root 'd' in again.
    const base = pick(random, corpus);
    const at = 1 + int(random, Math.min(64, Math.max(1, base.length - 1)));
    return concat([base.subarray(0, at), base.subarray(1, at), base.subarray(at)]);
  }],
  ["integer-edge", (random, corpus) => {
    const base = pick(random, corpus);
    const text = new TextDecoder("latin1").decode(base);
    const spots = [...text.matchAll(/i(-?\d+)e/g)];
    if (spots.length === 0) return enc.encode(`i${pick(random, INTEGERS)}e`);
    const spot = pick(random, spots);
    const at = spot.index! + 1;
    return concat([
      base.subarray(0, at),
      pick(random, INTEGERS),
      base.subarray(at + spot[1]!.length),
    ]);
  }],
  ["truncate", (random, corpus) => {
    const base = pick(random, corpus);
    return base.slice(0, int(random, base.length));
  }],
];

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const bytes = [...input];
  const interesting = [..."ield:0123456789-"].map((c) => c.charCodeAt(0));
  const rounds = 1 + int(random, 4);
  for (let round = 0; round < rounds && bytes.length > 0; round++) {
    const at = int(random, bytes.length);
    switch (int(random, 7)) {
      case 0:
        bytes[at] = bytes[at]! ^ (1 << int(random, 8));
        break;
      case 1:
        bytes.length = at;
        break;
      case 2:
        bytes[at] = pick(random, interesting);
        break;
      case 3:
        bytes.splice(at, 0, ...Array.from({ length: 1 + int(random, 8) }, () => int(random, 256)));
        break;
      case 4:
        bytes.splice(at, 1 + int(random, 32));
        break;
      case 5:
        bytes.splice(at, 0, ...bytes.slice(int(random, bytes.length)).slice(0, 64));
        break;
      default:
        for (let i = at; i < bytes.length; i++) {
          if (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
            bytes[i] = 0x30 + int(random, 10);
            break;
          }
        }
    }
  }
  return new Uint8Array(bytes);
}

function isTyped(error: unknown): boolean {
  return error instanceof BencodeError || error instanceof MetainfoError;
}

/** Runs `count` inputs from `seed`; never throws for a finding, only reports it. */
export function runFuzz(options: FuzzOptions): FuzzSummary {
  const hangMs = options.hangMs ?? 1000;
  const maxHeap = options.maxHeapMiB ?? 1024;
  const every = options.progressEvery ?? 10_000;
  const corpus = loadCorpus();
  const random = prng(options.seed);
  const findings: FuzzFinding[] = [];
  let reproDir = options.reproDir;
  const save = (index: number, input: Uint8Array, generator: string): string => {
    reproDir ??= Deno.makeTempDirSync({ prefix: "owm-fuzz-" });
    const path = join(reproDir, `seed${options.seed}-${index}-${generator}.torrent`);
    Deno.writeFileSync(path, input);
    return path;
  };
  let crashes = 0, hangs = 0, accepted = 0, maxMs = 0, peakHeap = 0, peakRss = 0;
  const sample = (index: number, generator: string) => {
    const memory = Deno.memoryUsage();
    peakHeap = Math.max(peakHeap, memory.heapUsed / 2 ** 20);
    peakRss = Math.max(peakRss, memory.rss / 2 ** 20);
    if (memory.heapUsed / 2 ** 20 > maxHeap) {
      findings.push({
        kind: "memory",
        index,
        seed: options.seed,
        generator,
        detail: `heapUsed ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB > ${maxHeap} MiB`,
      });
    }
  };
  for (let index = 0; index < options.count; index++) {
    const [generator, gen] = pick(random, GENERATORS);
    const input = gen(random, corpus);
    const start = performance.now();
    let crash: unknown;
    try {
      decodeBencode(input);
    } catch (error) {
      if (!isTyped(error)) crash = error;
    }
    if (crash === undefined) {
      try {
        parseMetainfo(input);
        accepted++;
      } catch (error) {
        if (!isTyped(error)) crash = error;
      }
    }
    const ms = performance.now() - start;
    maxMs = Math.max(maxMs, ms);
    if (crash !== undefined) {
      crashes++;
      const detail = crash instanceof Error ? `${crash.name}: ${crash.message}` : String(crash);
      findings.push({
        kind: "crash",
        index,
        seed: options.seed,
        generator,
        detail,
        reproducer: save(index, input, generator),
      });
    }
    if (ms > hangMs) {
      hangs++;
      findings.push({
        kind: "hang",
        index,
        seed: options.seed,
        generator,
        detail: `${ms.toFixed(0)} ms`,
        reproducer: save(index, input, generator),
      });
    }
    if (index % 250 === 0) sample(index, generator);
    if (options.onProgress && index > 0 && index % every === 0) {
      options.onProgress(
        `${index} inputs, ${crashes} crashes, ${hangs} hangs, max ${maxMs.toFixed(1)} ms, ` +
          `heap ${peakHeap.toFixed(1)} MiB`,
      );
    }
  }
  sample(options.count, "end");
  const line = `${options.count} inputs, ${crashes} crashes, ${hangs} hangs, ` +
    `max ${maxMs.toFixed(1)} ms, peak heap ${peakHeap.toFixed(1)} MiB ` +
    `(peak rss ${peakRss.toFixed(1)} MiB, ${accepted} accepted, seed ${options.seed})`;
  return {
    inputs: options.count,
    crashes,
    hangs,
    accepted,
    maxMs,
    peakHeapMiB: peakHeap,
    peakRssMiB: peakRss,
    findings,
    line,
  };
}

function flag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value)) throw new Error(`--${name} needs an integer`);
  return value;
}

if (import.meta.main) {
  const args = Deno.args.filter((a) => a !== "--");
  const count = flag(args, "count", 100_000);
  const seed = flag(args, "seed", Date.now() % 2 ** 31);
  const summary = runFuzz({
    count,
    seed,
    maxHeapMiB: flag(args, "max-heap-mib", 1024),
    onProgress: (line) => console.error(line),
  });
  for (const finding of summary.findings) {
    console.error(
      `${finding.kind} at seed ${finding.seed} index ${finding.index} (${finding.generator}): ` +
        `${finding.detail}${finding.reproducer ? ` — reproducer ${finding.reproducer}` : ""}`,
    );
  }
  console.log(summary.line);
  if (summary.findings.length > 0) Deno.exit(1);
}
