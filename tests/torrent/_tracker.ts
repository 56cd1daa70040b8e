/**
 * A BitTorrent tracker on loopback for tests: bittorrent-tracker's Server
 * with HTTP and UDP (no WebSocket, no stats page), on ports chosen by the OS.
 *
 * @module
 */
import { Server } from "bittorrent-tracker";

/** A running tracker. */
export interface TestTracker extends AsyncDisposable {
  /** `http://127.0.0.1:PORT/announce`. */
  readonly httpUrl: string;
  /** `udp://127.0.0.1:PORT`. */
  readonly udpUrl: string;
  /** Stops the tracker, dropping open connections. */
  close(): Promise<void>;
}

/** Starts a tracker on 127.0.0.1 (HTTP and UDP; UDP over IPv6 on ::1). */
export async function startTracker(): Promise<TestTracker> {
  const server = new Server({ http: true, udp: true, ws: false, stats: false, interval: 2000 });
  server.on("warning", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ http: 0, udp: 0 }, { http: "127.0.0.1", udp: "127.0.0.1", udp6: "::1" }, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  server.on("error", () => {});
  const http = server.http as unknown as {
    address(): { port: number };
    closeAllConnections?: () => void;
  };
  const httpPort = http.address().port;
  const udpPort = (server.udp.address() as { port: number }).port;
  // Drop open HTTP connections too: a client's keep-alive announce connection
  // would otherwise hold close() forever.
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      http.closeAllConnections?.();
    });
  return {
    httpUrl: `http://127.0.0.1:${httpPort}/announce`,
    udpUrl: `udp://127.0.0.1:${udpPort}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
