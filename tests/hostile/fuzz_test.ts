/**
 * The bencode/metainfo fuzzer's CI run: 5,000 random and mutated inputs from
 * a fixed seed, with zero crashes, hangs or memory findings.
 */
import { runFuzz } from "../../scripts/fuzz/metainfo_fuzz.ts";
import { assert, assertEquals } from "../_assert.ts";

Deno.test("fuzz: 5,000 hostile bencode/metainfo inputs give only typed refusals, no hangs", () => {
  const summary = runFuzz({ count: 5000, seed: 0x0fa57, maxHeapMiB: 512 });
  console.log(summary.line);
  assertEquals(summary.findings, [], summary.line);
  assertEquals(summary.crashes, 0);
  assertEquals(summary.hangs, 0);
  assert(
    summary.accepted > 20,
    `only ${summary.accepted} inputs parsed: the fuzzing is too destructive`,
  );
  assert(summary.maxMs < 1000);
});
