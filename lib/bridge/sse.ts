/**
 * A Server-Sent Events parser (the `text/event-stream` format of the HTML
 * standard), as a `TransformStream` from text to events, for the bridge's
 * `GET /api/events`. Unlike the browser's `EventSource`, it works over any
 * `fetch` response, so requests can carry an `Authorization` header.
 *
 * @module
 */

/** One event of a `text/event-stream`. */
export interface ServerSentEvent {
  /** The `event:` name, `message` when the event gave none. */
  event: string;
  /** The `data:` lines, joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far, if any (the standard's "last event ID"). */
  id?: string;
  /** The `retry:` reconnection time in milliseconds, when this event set one. */
  retry?: number;
}

/**
 * Parses a `text/event-stream` (already decoded to text) into events,
 * following the HTML standard's rules: lines end with CRLF, LF or CR (also
 * across chunk boundaries); a leading byte order mark is dropped; lines
 * starting with `:` are comments; a field's value loses one leading space;
 * `data:` lines accumulate and are joined with `\n`; an empty line
 * dispatches the event, unless it had no data; unknown fields are ignored;
 * an event not ended by an empty line when the stream ends is dropped.
 *
 * @example Parse a stream of two events and a comment
 * ```ts
 * import { EventSourceParserStream } from "owmeta-torrent";
 *
 * const text = ": keep-alive\n\nevent: done\ndata: {\"ok\":\ndata: true}\nid: 7\n\ndata: hi\n\n";
 * const events = await Array.fromAsync(
 *   ReadableStream.from([text]).pipeThrough(new EventSourceParserStream()),
 * );
 * console.log(events);
 * // [{ event: "done", data: '{"ok":\ntrue}', id: "7" }, { event: "message", data: "hi", id: "7" }]
 * ```
 */
export class EventSourceParserStream extends TransformStream<string, ServerSentEvent> {
  /** Creates the parser. */
  constructor() {
    let buffer = "";
    let first = true;
    let skipLf = false;
    let name = "";
    let data: string[] = [];
    let id: string | undefined;
    let retry: number | undefined;

    const line = (text: string, out: TransformStreamDefaultController<ServerSentEvent>) => {
      if (text === "") {
        if (data.length > 0) {
          out.enqueue({
            event: name || "message",
            data: data.join("\n"),
            ...(id === undefined ? {} : { id }),
            ...(retry === undefined ? {} : { retry }),
          });
        }
        name = "";
        data = [];
        retry = undefined;
        return;
      }
      if (text.startsWith(":")) return;
      const colon = text.indexOf(":");
      const field = colon === -1 ? text : text.slice(0, colon);
      let value = colon === -1 ? "" : text.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "data") data.push(value);
      else if (field === "event") name = value;
      else if (field === "id" && !value.includes("\0")) id = value;
      else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
    };

    super({
      transform(chunk, out) {
        if (chunk === "") return;
        if (first) {
          if (chunk.startsWith("\uFEFF")) chunk = chunk.slice(1);
          first = false;
        }
        if (skipLf && chunk.startsWith("\n")) chunk = chunk.slice(1);
        skipLf = false;
        buffer += chunk;
        let start = 0;
        for (let i = 0; i < buffer.length; i++) {
          const c = buffer[i];
          if (c !== "\n" && c !== "\r") continue;
          line(buffer.slice(start, i), out);
          if (c === "\r") {
            if (i + 1 === buffer.length) skipLf = true;
            else if (buffer[i + 1] === "\n") i++;
          }
          start = i + 1;
        }
        buffer = buffer.slice(start);
      },
    });
  }
}
