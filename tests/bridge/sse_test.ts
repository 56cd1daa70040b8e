/**
 * The Server-Sent Events parser, against the HTML standard's parsing rules,
 * with the text split into chunks at every possible place.
 */
import { EventSourceParserStream, type ServerSentEvent } from "../../lib/bridge/sse.ts";
import { assertEquals } from "../_assert.ts";

async function parse(chunks: string[]): Promise<ServerSentEvent[]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new EventSourceParserStream()),
  );
}

/** Parses `text` whole, one character at a time, and split at every index: all must agree. */
async function parseEverySplit(text: string): Promise<ServerSentEvent[]> {
  const whole = await parse([text]);
  assertEquals(await parse([...text]), whole, "one character per chunk");
  for (let i = 1; i < text.length; i++) {
    assertEquals(await parse([text.slice(0, i), text.slice(i)]), whole, `split at ${i}`);
  }
  return whole;
}

Deno.test("EventSourceParserStream parses event names, data and ids", async () => {
  const events = await parseEverySplit(
    'event: progress\ndata: {"a":1}\nid: 1\n\nevent: done\ndata: {"b":2}\nid: 2\n\n',
  );
  assertEquals(events, [
    { event: "progress", data: '{"a":1}', id: "1" },
    { event: "done", data: '{"b":2}', id: "2" },
  ]);
});

Deno.test("EventSourceParserStream joins multi-line data with newlines", async () => {
  assertEquals(await parseEverySplit("data: one\ndata:two\ndata:  three\ndata\n\n"), [
    { event: "message", data: "one\ntwo\n three\n" },
  ]);
});

Deno.test("EventSourceParserStream skips comments and unknown fields", async () => {
  assertEquals(
    await parseEverySplit(": keep-alive\n\n:another\nfoo: bar\ndata: x\n: inside\n\n"),
    [{ event: "message", data: "x" }],
  );
});

Deno.test("EventSourceParserStream accepts CRLF, CR and LF line ends, also mixed", async () => {
  const expected = [
    { event: "a", data: "1" },
    { event: "b", data: "2" },
    { event: "c", data: "3" },
  ];
  assertEquals(await parseEverySplit("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\r"), [
    ...expected.slice(0, 2),
  ]);
  assertEquals(
    await parseEverySplit("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n"),
    expected,
  );
  // A CR ending one chunk and an LF starting the next are one line end.
  assertEquals(await parse(["data: x\r", "", "\n\r", "\n"]), [{ event: "message", data: "x" }]);
});

Deno.test("EventSourceParserStream dispatches no event without data, nor an unfinished one", async () => {
  assertEquals(await parseEverySplit("event: empty\n\nid: 3\n\ndata: last"), []);
  // The id seen in a data-less block still becomes the last event id.
  assertEquals(await parseEverySplit("id: 3\n\ndata: x\n\n"), [
    { event: "message", data: "x", id: "3" },
  ]);
});

Deno.test("EventSourceParserStream resets the name per event but keeps the last id", async () => {
  assertEquals(await parseEverySplit("event: a\nid: 9\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n"), [
    { event: "a", data: "1", id: "9" },
    { event: "message", data: "2", id: "9" },
    { event: "message", data: "3", id: "" },
  ]);
});

Deno.test("EventSourceParserStream reads retry only when all digits, and drops a leading BOM", async () => {
  assertEquals(await parseEverySplit("\uFEFFretry: 1500\ndata: a\n\nretry: 1x\ndata: b\n\n"), [
    { event: "message", data: "a", retry: 1500 },
    { event: "message", data: "b" },
  ]);
  // Only the first BOM of the stream is dropped; a field name "\uFEFFdata" later is unknown.
  assertEquals(await parse(["\uFEFF", "\uFEFFdata: x\n\ndata: y\n\n"]), [
    { event: "message", data: "y" },
  ]);
});

Deno.test("EventSourceParserStream ignores an id holding NUL", async () => {
  assertEquals(await parseEverySplit("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n"), [
    { event: "message", data: "a", id: "1" },
    { event: "message", data: "b", id: "1" },
  ]);
});
