/**
 * The client side of `GET /api/events`: a streaming `fetch` with the bearer
 * header, parsed as Server-Sent Events into bridge events.
 *
 * @module
 */
import type { BridgeEvent } from "./api_types.ts";
import { BridgeError } from "./errors.ts";
import { EventSourceParserStream, type ServerSentEvent } from "./sse.ts";

/** Sends an authorized request to the bridge (the client's own `#send`). */
export type SendRequest = (
  method: string,
  path: string,
  init: { headers?: HeadersInit; signal?: AbortSignal },
) => Promise<Response>;

/** An open event stream: iterate it; `return()` closes it, started or not. */
export interface EventStream extends AsyncIterableIterator<BridgeEvent, undefined, undefined> {
  /** Closes the stream. */
  return(): Promise<IteratorReturnResult<undefined>>;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Opens the bridge's event stream and waits for its first (`hello`) event,
 * so that once this resolves the bridge is sending every new event to it.
 * Its controller is kept in `streams` while open, so that the client's
 * `close()` can end it; a stream so ended (even while opening) finishes
 * quietly, one ended by `signal` throws the signal's reason.
 */
export async function openEvents(
  send: SendRequest,
  streams: Set<AbortController>,
  signal?: AbortSignal,
): Promise<EventStream> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  streams.add(controller);
  let reader: ReadableStreamDefaultReader<ServerSentEvent> | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    signal?.removeEventListener("abort", onAbort);
    streams.delete(controller);
    await reader?.cancel().catch(() => {});
    controller.abort();
  };
  /** What a failed read means: the signal's reason, nothing (closed by the client), or an error. */
  const failure = (error: unknown): unknown => {
    if (signal?.aborted) return signal.reason;
    if (controller.signal.aborted) return undefined;
    if (error instanceof BridgeError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new BridgeError("stream-failed", `The bridge's event stream failed: ${message}`, {
      cause: error,
    });
  };

  let pending: ReadableStreamReadResult<ServerSentEvent> | undefined;
  try {
    const response = await send("GET", "/api/events", {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    if (!response.body) throw new BridgeError("stream-failed", "The event stream has no body");
    reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    const first = await reader.read();
    if (first.done || first.value.event !== "hello") pending = first;
  } catch (error) {
    await close();
    const thrown = failure(error);
    if (thrown !== undefined) throw thrown;
  }

  const stream: EventStream = {
    async next(): Promise<IteratorResult<BridgeEvent, undefined>> {
      while (!closed && reader) {
        let result = pending;
        pending = undefined;
        if (!result) {
          try {
            result = await reader.read();
          } catch (error) {
            const thrown = failure(error);
            await close();
            if (thrown !== undefined) throw thrown;
            return DONE;
          }
        }
        if (result.done) break;
        if (result.value.event === "hello") continue;
        try {
          return { done: false, value: JSON.parse(result.value.data) as BridgeEvent };
        } catch {
          continue; // not JSON: not one of ours
        }
      }
      await close();
      return DONE;
    },
    async return() {
      await close();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}
