/**
 * `owm cache gc`'s options: sizes with units, the policy from the flags and
 * its default (entries unused for 90 days), and the usage errors.
 */
import { DEFAULT_GC_DAYS, gcPolicy, parseSize } from "../../lib/cli/cache_command.ts";
import { UsageError } from "../../lib/cli/io.ts";
import { assertEquals, assertThrows } from "../_assert.ts";

Deno.test("parseSize takes bytes and K, M, G, T units (powers of 1024), 0 included", () => {
  assertEquals(parseSize("0"), 0);
  assertEquals(parseSize("1048576"), 1048576);
  assertEquals(parseSize("500M"), 500 * 1024 ** 2);
  assertEquals(parseSize("2G"), 2 * 1024 ** 3);
  assertEquals(parseSize("1.5GiB"), 1.5 * 1024 ** 3);
  assertEquals(parseSize("20 gb"), 20 * 1024 ** 3);
  for (const bad of ["", "-1", "1X", "ten", "1e9"]) assertThrows(() => parseSize(bad), UsageError);
});

Deno.test("gcPolicy: the flags, --all alone, and by default entries unused for 90 days", () => {
  assertEquals(gcPolicy({}), { olderThanDays: DEFAULT_GC_DAYS });
  assertEquals(DEFAULT_GC_DAYS, 90);
  assertEquals(gcPolicy({ all: true }), { all: true });
  assertEquals(gcPolicy({ "max-size": "1K" }), { maxSizeBytes: 1024 });
  assertEquals(gcPolicy({ "older-than": "7", "max-size": "0" }), {
    olderThanDays: 7,
    maxSizeBytes: 0,
  });
  assertThrows(() => gcPolicy({ all: true, "older-than": "1" }), UsageError, "--all");
  assertThrows(() => gcPolicy({ "older-than": "a week" }), UsageError, "days");
});
