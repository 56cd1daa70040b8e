/**
 * "Did you mean …?": the closest of some known names to a word someone typed
 * (a command, an option, a DataSource id or a class), case-insensitively and
 * within a small edit distance (adjacent swaps count as one edit).
 *
 * @module
 */

/**
 * The optimal-string-alignment distance between `a` and `b`: insertions,
 * deletions, substitutions and swaps of two adjacent characters each cost 1.
 *
 * @example
 * ```ts
 * import { editDistance } from "./did_you_mean.ts";
 * console.log(editDistance("fecth", "fetch")); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word`, or undefined when none is close: an exact
 * match ignoring case first, else the smallest edit distance (ignoring case)
 * up to a third of the word's length (at least 1, at most 3). Ties go to the
 * first candidate given.
 *
 * @example
 * ```ts
 * import { closest } from "./did_you_mean.ts";
 * console.log(closest("fecth", ["fetch", "publish", "seed"])); // "fetch"
 * console.log(closest("csvdatasource:worms", ["CSVDataSource:worms"])); // "CSVDataSource:worms"
 * console.log(closest("zzz", ["fetch"])); // undefined
 * ```
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (c === lower) return candidate;
    const distance = editDistance(lower, c);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * `"; did you mean 'X'?"` for the closest candidate, or "" when none is close.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./did_you_mean.ts";
 * console.log(`unknown command 'fecth'${didYouMean("fecth", ["fetch"])}`);
 * // unknown command 'fecth'; did you mean 'fetch'?
 * ```
 */
export function didYouMean(word: string, candidates: Iterable<string>, prefix = ""): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : `; did you mean '${prefix}${match}'?`;
}
