/**
 * Test only, preloaded by the launcher when `OWM_PERMISSION_PROBE` is set (a
 * JSON array of paths): before the program starts, in its process and with
 * its permissions, tries to read each path and prints on stderr
 * `permission probe: denied PATH (NotCapable)` or `permission probe: readable
 * PATH`. It cannot widen what the process may do; it shows what the runtime
 * refuses.
 *
 * @module
 */
import { processEnv } from "../settings/env.ts";

function probePaths(): string[] {
  try {
    const value: unknown = JSON.parse(processEnv("OWM_PERMISSION_PROBE") ?? "[]");
    return Array.isArray(value) ? value.filter((p) => typeof p === "string") : [];
  } catch {
    return [];
  }
}

for (const path of probePaths()) {
  try {
    await Deno.readFile(path);
    console.error(`permission probe: readable ${path}`);
  } catch (error) {
    const name = error instanceof Error ? error.name : String(error);
    console.error(
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
        ? `permission probe: denied ${path} (${name})`
        : `permission probe: failed ${path} (${name})`,
    );
  }
}
