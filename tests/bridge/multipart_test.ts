/**
 * The streamed multipart/form-data body, read back by the platform's own
 * multipart parser (`Response.formData()`).
 */
import { multipartBody } from "../../lib/bridge/multipart.ts";
import { assert, assertEquals } from "../_assert.ts";
import { bytes } from "../torrent/_fixtures.ts";

function streamOf(data: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += chunk) parts.push(data.slice(at, at + chunk));
  return ReadableStream.from(parts);
}

async function read(body: ReturnType<typeof multipartBody>): Promise<FormData> {
  return await new Response(body.body, { headers: { "content-type": body.contentType } })
    .formData();
}

Deno.test("multipartBody() sends fields and in-memory files as one array", async () => {
  const data = bytes(70_000, 5);
  const body = multipartBody({ class: "CSVDataSource", key: "k ü", description: "a\nb" }, [
    { name: "a.csv", data: new TextEncoder().encode("x,y\n1,2\n"), type: "text/csv" },
    { name: 'we"ird\r\nname.bin', data },
  ]);
  assert(body.body instanceof Uint8Array, "all in memory: one array, so its length is known");
  const form = await read(body);
  assertEquals(form.get("class"), "CSVDataSource");
  assertEquals(form.get("key"), "k ü");
  assertEquals(form.get("description"), "a\nb");
  const files = form.getAll("file") as File[];
  assertEquals(files.map((f) => [f.name, f.type, f.size]), [
    ["a.csv", "text/csv", 8],
    ["we%22ird%0D%0Aname.bin", "application/octet-stream", data.length],
  ]);
  assertEquals(new Uint8Array(await files[1]!.arrayBuffer()), data);
});

Deno.test("multipartBody() streams files given as streams, in order", async () => {
  const big = bytes(300_001, 7);
  const body = multipartBody({ key: "s" }, [
    { name: "one.bin", data: streamOf(big, 65_536) },
    { name: "empty.txt", data: new Uint8Array() },
    { name: "two.bin", data: streamOf(bytes(10, 8), 3) },
  ]);
  assert(body.body instanceof ReadableStream, "a stream when any file is one");
  const form = await read(body);
  const files = form.getAll("file") as File[];
  assertEquals(files.map((f) => [f.name, f.size]), [
    ["one.bin", big.length],
    ["empty.txt", 0],
    ["two.bin", 10],
  ]);
  assertEquals(new Uint8Array(await files[0]!.arrayBuffer()), big);
  assertEquals(new Uint8Array(await files[2]!.arrayBuffer()), bytes(10, 8));
});

Deno.test("multipartBody() cancels the file streams when the body is cancelled", async () => {
  let cancelled = 0;
  const endless = () =>
    new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1024)),
      cancel: () => void cancelled++,
    });
  const { body } = multipartBody({}, [{ name: "a", data: endless() }, {
    name: "b",
    data: endless(),
  }]);
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await reader.read();
  await reader.cancel(new Error("stop"));
  assertEquals(cancelled, 2, "the stream being read and the one not reached yet");
});
