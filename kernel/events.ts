/**
 * The event hub behind `GET /api/events`: publishers push events, each
 * subscriber (an SSE stream) gets every event from when it subscribed, in
 * order, with a bounded queue so that a stalled listener cannot grow memory.
 *
 * @module
 */
import type { BridgeEvent } from "../lib/bridge/api_types.ts";

/** A subscription: an async iterator of events, closed by `close()`. */
export interface Subscription extends AsyncIterable<BridgeEvent> {
  /** Stops the subscription. */
  close(): void;
}

const MAX_QUEUE = 1000;

/** Fans events out to subscribers. */
export class EventHub {
  #subscribers = new Set<{ push(e: BridgeEvent): void; close(): void }>();

  /** How many subscribers there are. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Sends `event` to every subscriber. */
  publish(event: BridgeEvent): void {
    for (const s of this.#subscribers) s.push(event);
  }

  /** A new subscription. */
  subscribe(): Subscription {
    const queue: BridgeEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const subscriber = {
      push(event: BridgeEvent) {
        if (closed) return;
        // A listener too slow to keep up loses the oldest progress events first.
        if (queue.length >= MAX_QUEUE) {
          const i = queue.findIndex((e) => e.type === "progress");
          queue.splice(i === -1 ? 0 : i, 1);
        }
        queue.push(event);
        wake?.();
      },
      close() {
        closed = true;
        wake?.();
      },
    };
    this.#subscribers.add(subscriber);
    const forget = () => this.#subscribers.delete(subscriber);
    return {
      close() {
        subscriber.close();
        forget();
      },
      async *[Symbol.asyncIterator]() {
        try {
          while (!closed) {
            const next = queue.shift();
            if (next) {
              yield next;
              continue;
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        } finally {
          subscriber.close();
          forget();
        }
      },
    };
  }

  /** Ends every subscription. */
  closeAll(): void {
    for (const s of this.#subscribers) s.close();
    this.#subscribers.clear();
  }
}
