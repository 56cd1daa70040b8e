/**
 * Google Drive v3 search queries (the `q` parameter of `files.list`), built
 * with every string value escaped as the Drive query syntax requires.
 *
 * @module
 */

/**
 * Escapes `value` for use inside a single-quoted string of a Drive query:
 * `\` becomes `\\` and `'` becomes `\'`.
 *
 * @example
 * ```ts
 * import { escapeDriveQueryString } from "./drive_query.ts";
 * console.log(escapeDriveQueryString("it's")); // it\'s
 * ```
 */
export function escapeDriveQueryString(value: string): string {
  return value.replace(/[\\']/g, (c) => `\\${c}`);
}

/** What a Drive query selects. */
export interface DriveQueryOptions {
  /** Only files directly in this folder. */
  folderId?: string | undefined;
}

/**
 * The query selecting non-trashed files named exactly `fileName` (optionally
 * in one folder).
 *
 * @example
 * ```ts
 * import { driveNameQuery } from "./drive_query.ts";
 * console.log(driveNameQuery("a'b.torrent", { folderId: "F1" }));
 * // name = 'a\'b.torrent' and trashed = false and 'F1' in parents
 * ```
 */
export function driveNameQuery(fileName: string, options: DriveQueryOptions = {}): string {
  return [`name = '${escapeDriveQueryString(fileName)}'`, ...common(options)].join(" and ");
}

/**
 * The query selecting every non-trashed file (optionally in one folder), for
 * listing; callers keep the `*.torrent` names.
 */
export function driveListQuery(options: DriveQueryOptions = {}): string {
  return common(options).join(" and ");
}

function common(options: DriveQueryOptions): string[] {
  const parts = ["trashed = false"];
  if (options.folderId !== undefined) {
    parts.push(`'${escapeDriveQueryString(options.folderId)}' in parents`);
  }
  return parts;
}
