/**
 * Routes mounted on the app beyond the core API: `POST /api/uploads`,
 * `GET /api/kinds` (both behind the `/api` guards, which were registered
 * first and so run first) and the upload page at `GET /`.
 *
 * @module
 */
import type { KernelApp } from "./app.ts";
import type { BridgeState } from "./bridge_state.ts";
import { kindRoutes } from "./routes/kinds.ts";
import { pageRoutes } from "./routes/page.ts";
import { type UploadLimits, uploadRoutes } from "./routes/uploads.ts";

/** A mounting function for `startBridge({ extend })`. */
export type Extension = (app: KernelApp, state: BridgeState, token: string) => void;

/**
 * The extra routes with upload limits other than the defaults (the upload
 * size also follows the bridge's `maxUploadBytes`).
 */
export function createExtension(limits: Partial<UploadLimits> = {}): Extension {
  return (app, state) => {
    app.route("/api/uploads", uploadRoutes(state, limits));
    app.route("/api/kinds", kindRoutes(state));
    app.route("/", pageRoutes());
  };
}

/** Mounts the extra routes with the default limits. */
export function extend(app: KernelApp, state: BridgeState, token: string): void {
  createExtension()(app, state, token);
}
