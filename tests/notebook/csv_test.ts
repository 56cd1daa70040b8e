import { CsvSyntaxError, parseCsv } from "../../lib/csv/parser.ts";
import { assertEquals, assertThrows } from "../_assert.ts";

Deno.test("parseCsv() reads plain rows, LF or CRLF, without a trailing empty row", () => {
  assertEquals(parseCsv("a,b\n1,2\n"), [["a", "b"], ["1", "2"]]);
  assertEquals(parseCsv("a,b\r\n1,2"), [["a", "b"], ["1", "2"]]);
  assertEquals(parseCsv(""), []);
  assertEquals(parseCsv("\uFEFFa\n"), [["a"]]);
});

Deno.test("parseCsv() keeps empty fields and empty lines", () => {
  assertEquals(parseCsv("a,,c\n,\n\nx"), [["a", "", "c"], ["", ""], [""], ["x"]]);
  assertEquals(parseCsv("a,"), [["a", ""]]);
});

Deno.test("parseCsv() reads quoted fields with delimiters, doubled quotes and line breaks", () => {
  assertEquals(parseCsv('1,"x, ""y"""\n"two\nlines",""\n'), [["1", 'x, "y"'], ["two\nlines", ""]]);
});

Deno.test("parseCsv() takes another delimiter", () => {
  assertEquals(parseCsv("a;b\n1;2,5\n", { delimiter: ";" }), [["a", "b"], ["1", "2,5"]]);
  assertThrows(() => parseCsv("a", { delimiter: ";;" }), TypeError);
  assertThrows(() => parseCsv("a", { delimiter: '"' }), TypeError);
});

Deno.test("parseCsv() refuses an unclosed quote and text after a closing quote, with the line", () => {
  const unclosed = assertThrows(() => parseCsv('a\n"b,c\n'), CsvSyntaxError);
  assertEquals(unclosed.line, 2);
  const after = assertThrows(() => parseCsv('a\nb\n"c"d\n'), CsvSyntaxError);
  assertEquals(after.line, 3);
});
