/**
 * A DataSource's identity: the fields that say which content it is (torrent
 * file name, infohash, magnet link, content hashes) and where that content
 * lies (file names, the content translator, the named graph). Saving an
 * existing DataSource with other values there replaces what it is, so the
 * bridge asks for `replace: true` and then checks the content it already has
 * against the new values before anything uses it.
 *
 * @module
 */
import type { IdentityChange } from "../lib/bridge/api_types.ts";
import type { DataSource } from "../lib/datasource/data_source.ts";
import { loadedIndexPath, locateContent, verifyLocated } from "../lib/loader/located_content.ts";
import { LoaderRegistry } from "../lib/loader/registry.ts";
import type { BridgeState } from "./bridge_state.ts";
import { ApiHttpError } from "./http_errors.ts";

export {
  /** The identity fields, by TypeScript name (lib/datasource/identity.ts). */
  IDENTITY_FIELDS,
  /** The identity fields whose values differ (lib/datasource/identity.ts). */
  identityChanges,
} from "../lib/datasource/identity.ts";

function shown(values: unknown[]): string {
  if (values.length === 0) return "(none)";
  const text = values.map((v) => JSON.stringify(v)).join(", ");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The 409 answer to a save that would change identity fields without `replace: true`. */
export function identityConflict(id: string, changes: readonly IdentityChange[]): ApiHttpError {
  const list = changes.map((c) => `${c.field} ${shown(c.before)} → ${shown(c.after)}`).join("; ");
  return new ApiHttpError(
    409,
    "identity-conflict",
    `${id} already exists with other identity fields (${list}): send the request again with "replace": true to replace it (content already here is then verified again before it is used)`,
  );
}

/** What a replace did to the content already here. */
export interface ReplacedContent {
  /** `verified`, `forgotten` or `none`. */
  content: "verified" | "forgotten" | "none";
  /** Why it was forgotten. */
  reason?: string;
}

/**
 * After `ds` was saved with new identity fields: verifies the content
 * remembered here for it against the new fields. Content that matches stays;
 * content that does not (or cannot be checked) is forgotten (the files stay
 * on disk, but nothing uses them as this DataSource's content: the next fetch
 * loads and verifies again). Publishes a `verified` event either way.
 */
export async function reverifyReplaced(
  state: BridgeState,
  ds: DataSource,
): Promise<ReplacedContent> {
  const home = state.repo.store.home;
  const registry = new LoaderRegistry(loadedIndexPath(home));
  if (!await registry.loaded(ds)) return { content: "none" };
  const id = await state.curie(ds);
  let reason: string;
  try {
    const located = await locateContent(home, ds, state.indexes, state.repo.store);
    if (located) {
      const report = await verifyLocated(ds, located);
      state.events.publish({
        type: "verified",
        id,
        infoHash: located.meta?.infoHash ?? "",
        ok: report.ok,
        report,
      });
      if (report.ok) return { content: "verified" };
      const failed = report.checks.filter((c) => !c.ok);
      reason = failed.length === 0
        ? "nothing the new fields record could be checked"
        : `it does not match the new fields: ${
          failed.map((c) => `${c.kind} expected ${c.expected}, found ${c.actual}`).join("; ")
        }`;
    } else {
      reason = "the new fields do not say which file of it is the content";
    }
  } catch (error) {
    reason = `it cannot be verified: ${error instanceof Error ? error.message : String(error)}`;
  }
  await registry.forget(ds);
  return { content: "forgotten", reason };
}
