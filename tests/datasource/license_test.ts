/** The `title`, `license` and `citation` fields every DataSource has, and the licence check. */
import { CSVDataSource } from "../../lib/datasource/csv_data_source.ts";
import { FieldError } from "../../lib/datasource/errors.ts";
import { licenseProblem } from "../../lib/datasource/license.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../_assert.ts";

Deno.test("licenseProblem() accepts SPDX ids and expressions and http(s) URLs", () => {
  for (
    const ok of [
      "CC-BY-4.0",
      "CC0-1.0",
      "MIT",
      "GPL-2.0+",
      "MIT OR Apache-2.0",
      "(MIT AND BSD-3-Clause) OR Apache-2.0",
      "GPL-2.0-only WITH Classpath-exception-2.0",
      "LicenseRef-lab-terms",
      "https://creativecommons.org/licenses/by/4.0/",
      "http://example.org/terms",
    ]
  ) {
    assertEquals(licenseProblem(ok), undefined, ok);
  }
  const refused: [unknown, string][] = [
    ["free for all", "neither an SPDX licence id"],
    ["MIT OR", "neither an SPDX licence id"],
    ["(MIT", "neither an SPDX licence id"],
    ["", "is empty"],
    ["ftp://example.org/licence", "only http: and https:"],
    ["javascript:alert(1)", "only http: and https:"],
    [42, "is not a string"],
  ];
  for (const [value, expected] of refused) {
    assertStringIncludes(licenseProblem(value) ?? "", expected, String(value));
  }
});

Deno.test("title, license and citation are fields of every DataSource; a bad licence is a FieldError", () => {
  const ds = new CSVDataSource({
    key: "k",
    title: "Worms",
    license: "CC-BY-4.0",
    citation: ["doi:10.1000/182", "@article{w, title={Worms}}"],
  });
  assertEquals(ds.get("title"), "Worms");
  assertEquals(ds.get("license"), "CC-BY-4.0");
  assertEquals(ds.getAll("citation").length, 2);
  const error = assertThrows(
    () => new CSVDataSource({ key: "k", license: "do what you like" }),
    FieldError,
  );
  assertStringIncludes(error.message, "Field 'license'");
  assertStringIncludes(error.message, "SPDX");
  assertThrows(() => ds.set("license", "not a licence"), FieldError, "Field 'license'");
  assertEquals(ds.get("license"), "CC-BY-4.0", "a refused set() changes nothing");
});
