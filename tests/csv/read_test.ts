import { join } from "node:path";
import { CsvParser, CsvSyntaxError, parseCsv } from "../../lib/csv/parser.ts";
import { readCsvFile } from "../../lib/csv/read.ts";
import { completeLength, firstInvalidUtf8 } from "../../lib/csv/utf8.ts";
import { assertEquals, assertRejects, assertThrows } from "../_assert.ts";

const TRICKY = [
  "\uFEFFOrigin,Target,Note\r\n",
  'ADAL,"AV\r\nAR","x, ""y"""\r\n',
  "\r\n",
  'é,🐛,""\r',
  "last,,",
].join("");

/** Records with their lines, parsing `pieces` one after another. */
function parsePieces(pieces: string[], delimiter = ","): [string[], number][] {
  const out: [string[], number][] = [];
  const parser = new CsvParser((fields, line) => out.push([fields, line]), { delimiter });
  for (const piece of pieces) parser.push(piece);
  parser.finish();
  return out;
}

Deno.test("CsvParser gives the same records and lines however the text is split", () => {
  const whole = parsePieces([TRICKY]);
  assertEquals(whole, [
    [["Origin", "Target", "Note"], 1],
    [["ADAL", "AV\r\nAR", 'x, "y"'], 2],
    [[""], 4],
    [["é", "🐛", ""], 5],
    [["last", "", ""], 6],
  ]);
  assertEquals(whole.map(([fields]) => fields), parseCsv(TRICKY));
  for (let at = 0; at <= TRICKY.length; at++) {
    assertEquals(parsePieces([TRICKY.slice(0, at), TRICKY.slice(at)]), whole, `split at ${at}`);
  }
  assertEquals(parsePieces([...TRICKY]), whole, "one character at a time");
});

Deno.test("CsvParser reports the line and record of a fault, also across pieces", () => {
  const unclosed = assertThrows(
    () => parsePieces(["a\nb\n", '"c', "\nd"]),
    CsvSyntaxError,
    "CSV line 3: a quoted field is not closed",
  );
  assertEquals([unclosed.line, unclosed.record, unclosed.reason], [
    3,
    3,
    "a quoted field is not closed",
  ]);
  const after = assertThrows(() => parsePieces(['a\n"b', '"', "x\n"]), CsvSyntaxError);
  assertEquals([after.line, after.record], [2, 2]);
  assertThrows(() => new CsvParser(() => {}, { delimiter: "\n" }), TypeError);
});

Deno.test("readCsvFile() decodes UTF-8 split across chunks of any size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "owm-csv-read-" });
  try {
    const path = join(dir, "t.csv");
    await Deno.writeTextFile(path, TRICKY.replaceAll(",", ";"));
    const expected = parsePieces([TRICKY.replaceAll(",", ";")], ";");
    for (const chunkSize of [1, 2, 3, 5, 7, 64]) {
      const got: [string[], number][] = [];
      const read = await readCsvFile(path, (fields, line) => got.push([fields, line]), {
        delimiter: ";",
        chunkSize,
      });
      assertEquals(got, expected, `chunks of ${chunkSize}`);
      assertEquals(read, {
        records: 5,
        bytes: new TextEncoder().encode(TRICKY).length,
      });
    }
    // A bad byte is located whatever the chunk size.
    await Deno.writeFile(
      path,
      new Uint8Array([...new TextEncoder().encode("a,b\nc,d\né,"), 0xc3, 0x28, 0x0a]),
    );
    for (const chunkSize of [1, 4, 1024]) {
      const error = await assertRejects(
        () => readCsvFile(path, () => {}, { chunkSize }),
        CsvSyntaxError,
        "a byte that is not UTF-8 (0xC3 at byte offset 11)",
      );
      assertEquals([error.line, error.record], [3, 3]);
    }
    // The handler may stop the read by throwing.
    await assertRejects(
      () =>
        readCsvFile(path, () => {
          throw new RangeError("stop");
        }),
      RangeError,
      "stop",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("completeLength() and firstInvalidUtf8() follow UTF-8's sequences", () => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  assertEquals(completeLength(bytes(0x41, 0xc3)), 1);
  assertEquals(completeLength(bytes(0x41, 0xc3, 0xa9)), 3);
  assertEquals(completeLength(bytes(0xf0, 0x9f, 0x90)), 0);
  assertEquals(completeLength(bytes(0xf0, 0x9f, 0x90, 0x9b)), 4);
  assertEquals(firstInvalidUtf8(new TextEncoder().encode("é🐛x")), -1);
  assertEquals(firstInvalidUtf8(bytes(0x41, 0xe9, 0x42)), 1); // Latin-1
  assertEquals(firstInvalidUtf8(bytes(0xc0, 0x80)), 0); // overlong
  assertEquals(firstInvalidUtf8(bytes(0x41, 0xed, 0xa0, 0x80)), 1); // a surrogate
  assertEquals(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), 0); // above U+10FFFF
  assertEquals(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82)), 1); // cut short
});
