import {
  BencodeError,
  type BencodeNode,
  decodeBencode,
  encodeBencode,
} from "../../lib/torrent/bencode.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const decode = (text: string) => decodeBencode(enc.encode(text));

/** A node as plain values, for comparisons. */
function plain(node: BencodeNode): unknown {
  switch (node.type) {
    case "integer":
      return node.value;
    case "string":
      return dec.decode(node.value);
    case "list":
      return node.value.map(plain);
    case "dictionary":
      return Object.fromEntries([...node.value].map(([k, v]) => [k, plain(v)]));
  }
}

Deno.test("decodeBencode() reads integers, strings, lists and dictionaries", () => {
  assertEquals(plain(decode("i42e")), 42n);
  assertEquals(plain(decode("i-7e")), -7n);
  assertEquals(plain(decode("i0e")), 0n);
  assertEquals(plain(decode("4:spam")), "spam");
  assertEquals(plain(decode("0:")), "");
  assertEquals(plain(decode("l4:spami3ee")), ["spam", 3n]);
  assertEquals(plain(decode("d3:cow3:moo4:spaml1:a1:bee")), { cow: "moo", spam: ["a", "b"] });
  assertEquals(plain(decode("le")), []);
  assertEquals(plain(decode("de")), {});
});

Deno.test("decodeBencode() keeps byte ranges so a sub-value's exact bytes can be hashed", () => {
  const text = "d8:announce3:url4:infod6:lengthi5e4:name1:xee";
  const root = decode(text);
  assert(root.type === "dictionary");
  const info = root.value.get("info")!;
  assertEquals(text.slice(info.start, info.end), "d6:lengthi5e4:name1:xe");
  assertEquals([root.start, root.end], [0, text.length]);
});

Deno.test("decodeBencode() refuses malformed integers", () => {
  for (const bad of ["i01e", "i-0e", "i-01e", "ie", "i-e", "i1", "i1.5e", "i 1e", "i+1e"]) {
    assertThrows(() => decode(bad), BencodeError, undefined);
  }
  assertThrows(() => decode("i01e"), BencodeError, "leading zero");
  assertThrows(() => decode("i-0e"), BencodeError, "-0");
  assertThrows(() => decode("i12345678901234567890e"), BencodeError, "too long");
  assertThrows(() => decode("i9223372036854775808e"), BencodeError, "64-bit");
  assertEquals(plain(decode("i9223372036854775807e")), 9223372036854775807n);
  assertEquals(plain(decode("i-9223372036854775808e")), -9223372036854775808n);
});

Deno.test("decodeBencode() refuses string lengths beyond the input or with leading zeros", () => {
  assertThrows(() => decode("5:spam"), BencodeError, "longer than the 4 bytes left");
  assertThrows(() => decode("99999999999999999:x"), BencodeError, "too long");
  assertThrows(() => decode("04:spam"), BencodeError, "leading zero");
  assertThrows(() => decode("4spam"), BencodeError, "string length");
});

Deno.test("decodeBencode() refuses truncated input, trailing bytes and empty input", () => {
  for (const bad of ["l", "li1e", "d", "d1:a", "d1:ai1e", "i1", "4:sp"]) {
    assertThrows(() => decode(bad), BencodeError);
  }
  assertThrows(() => decode(""), BencodeError, "empty");
  const error = assertThrows(() => decode("i1ei2e"), BencodeError, "unexpected bytes");
  assertEquals(error.offset, 3);
  assert(error instanceof SyntaxError);
  assertEquals(error.name, "BencodeError");
});

Deno.test("decodeBencode() refuses non-string and duplicate keys, and unsorted keys on request", () => {
  assertThrows(() => decode("di1ei2ee"), BencodeError, "not a string");
  assertThrows(() => decode("d1:ai1e1:ai2ee"), BencodeError, "duplicate dictionary key 'a'");
  const unsorted = decode("d1:bi1e1:ai2ee");
  assert(unsorted.type === "dictionary" && !unsorted.sorted);
  assert((decode("d1:ai1e1:bi2ee") as { sorted: boolean }).sorted);
  assertThrows(
    () => decodeBencode(enc.encode("d1:bi1e1:ai2ee"), { requireSortedKeys: true }),
    BencodeError,
    "out of order",
  );
});

Deno.test("decodeBencode() limits nesting depth", () => {
  const deep = (n: number) => "l".repeat(n) + "e".repeat(n);
  decode(deep(100));
  assertThrows(() => decode(deep(101)), BencodeError, "nesting deeper than 100");
  decodeBencode(enc.encode(deep(5)), { maxDepth: 5 });
  assertThrows(() => decodeBencode(enc.encode(deep(6)), { maxDepth: 5 }), BencodeError);
  // A million levels must fail fast, not overflow the stack.
  assertThrows(() => decode(deep(1_000_000)), BencodeError, "nesting");
});

Deno.test("decodeBencode() gives strings as views of the input bytes, binary-safe", () => {
  const bytes = new Uint8Array([0x33, 0x3a, 0x00, 0xff, 0x80]);
  const node = decodeBencode(bytes);
  assert(node.type === "string");
  assertEquals([...node.value], [0x00, 0xff, 0x80]);
  assertEquals(node.value.buffer, bytes.buffer);
});

Deno.test("encodeBencode() writes canonical bencode with sorted keys and skips undefined", () => {
  assertEquals(
    dec.decode(encodeBencode({ b: 1, a: "x", c: undefined, d: [1n, new Uint8Array([0x41])] })),
    "d1:a1:x1:bi1e1:dli1e1:Aee",
  );
  assertEquals(dec.decode(encodeBencode(new Map([["z", 0], ["y", -3]]))), "d1:yi-3e1:zi0ee");
  assertEquals(dec.decode(encodeBencode("é")), "2:é");
  assertThrows(() => encodeBencode(1.5), RangeError);
  assertThrows(() => encodeBencode(2 ** 60), RangeError);
});

Deno.test("encodeBencode() output decodes back to the same value", () => {
  const value = { info: { files: [{ length: 3, path: ["a", "b"] }], name: "n" }, list: [[], {}] };
  const bytes = encodeBencode(value);
  const again = encodeBencode(plain(decodeBencode(bytes)) as never);
  assertEquals(again, bytes);
  assert(decodeBencode(bytes, { requireSortedKeys: true }).type === "dictionary");
});
