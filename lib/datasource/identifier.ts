/**
 * DataSource identifiers: a per-class namespace plus the URL-quoted key, written
 * as a full IRI or as the CURIE `ClassName:key`.
 *
 * @module
 */
import { IdentifierSyntaxError } from "./errors.ts";
import { DATA_SOURCES_NS } from "./namespaces.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Whether `name` can be a class name and CURIE prefix. */
export function isValidClassName(name: string): boolean {
  return NAME.test(name);
}

/** The identifier namespace of the class named `className`. */
export function classIdNamespace(className: string): string {
  return `${DATA_SOURCES_NS}${className}#`;
}

/**
 * Quotes a key for use in an IRI like Python's `urllib.parse.quote`: ASCII
 * letters, digits, `_.-~` and `/` stay; every other UTF-8 byte becomes `%XX`.
 * Valid `%XX` escapes already present are kept, so quoting is idempotent.
 *
 * @example
 * ```ts
 * import { quoteKey } from "./identifier.ts";
 * console.log(quoteKey("2000 connections")); // "2000%20connections"
 * ```
 */
export function quoteKey(key: string): string {
  let out = "";
  const bytes = new TextEncoder().encode(key);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~\/-]/.test(c)) out += c;
    else if (
      c === "%" && i + 2 < bytes.length &&
      /^[0-9A-Fa-f]{2}$/.test(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!))
    ) out += c;
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * A plain key: one that {@linkcode quoteKey} leaves as it is and that is a
 * folder name as it is (no `/`, not starting with a dot), so the id people
 * see (`Class:key`) is what they typed. Other keys still work (they are
 * quoted: `2000 connections` is `2000%20connections` in the IRI), but the
 * upload page asks for plain ones.
 *
 * @example
 * ```ts
 * import { PLAIN_KEY } from "./identifier.ts";
 * console.log(PLAIN_KEY.test("worms_2024-v1.2"), PLAIN_KEY.test("bad/key with space")); // true false
 * ```
 */
export const PLAIN_KEY: RegExp = /^[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,199}$/;

/** The rule of {@linkcode PLAIN_KEY}, in words. */
export const PLAIN_KEY_RULE: string =
  "A key is 1 to 200 characters: letters A–Z and a–z, digits and . _ - ~ (no spaces, slashes or " +
  "other signs), not starting with a dot.";

/**
 * Why `key` is not a {@linkcode PLAIN_KEY}, or undefined when it is one.
 *
 * @example
 * ```ts
 * import { plainKeyProblem } from "./identifier.ts";
 * console.log(plainKeyProblem("bad/key with space")); // "'bad/key with space' is not a plain key: A key is …"
 * ```
 */
export function plainKeyProblem(key: string): string | undefined {
  return PLAIN_KEY.test(key) ? undefined : `'${key}' is not a plain key: ${PLAIN_KEY_RULE}`;
}

/** Reverses {@linkcode quoteKey}; malformed escapes are left as they are. */
export function unquoteKey(quoted: string): string {
  try {
    return decodeURIComponent(quoted);
  } catch {
    return quoted;
  }
}

/**
 * Resolves an identifier to a full IRI. Accepts `<IRI>`, a bare absolute IRI
 * (`scheme://…` or `urn:…`), or `Prefix:local` where the prefix is bound in
 * `prefixes` or, failing that, is a class name in the default namespace.
 *
 * @throws {IdentifierSyntaxError} when `id` is neither form.
 *
 * @example
 * ```ts
 * import { resolveIdentifier } from "./identifier.ts";
 * console.log(resolveIdentifier("ConnectomeCSVDataSource:2000_connections"));
 * // "http://data.openworm.org/data_sources/ConnectomeCSVDataSource#2000_connections"
 * ```
 */
export function resolveIdentifier(
  id: string,
  prefixes: ReadonlyMap<string, string> = new Map(),
): string {
  const trimmed = id.trim();
  if (trimmed === "") throw new IdentifierSyntaxError(id, "it is empty");
  if (trimmed.startsWith("<")) {
    if (!trimmed.endsWith(">")) {
      throw new IdentifierSyntaxError(id, "an IRI in angle brackets must end with '>'");
    }
    if (trimmed.length < 3) throw new IdentifierSyntaxError(id, "the IRI in '<>' is empty");
    return checkIri(id, trimmed.slice(1, -1));
  }
  const colon = trimmed.indexOf(":");
  if (colon <= 0) throw new IdentifierSyntaxError(id, "it has no ':' after a class name");
  const prefix = trimmed.slice(0, colon);
  const local = trimmed.slice(colon + 1);
  const bound = prefixes.get(prefix);
  if (bound !== undefined) return bound + quoteKey(local);
  if (local.startsWith("//") || prefix === "urn") return checkIri(id, trimmed);
  if (!isValidClassName(prefix)) {
    throw new IdentifierSyntaxError(id, `'${prefix}' is not a class name`);
  }
  if (local === "") throw new IdentifierSyntaxError(id, "the key after ':' is empty");
  return classIdNamespace(prefix) + quoteKey(local);
}

function checkIri(id: string, iri: string): string {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\]*$/.test(iri)) {
    throw new IdentifierSyntaxError(id, "it is not an absolute IRI");
  }
  return iri;
}

/**
 * Writes `iri` as a CURIE with the longest matching bound namespace, or as
 * `<iri>` when none matches.
 */
export function toCurie(iri: string, prefixes: ReadonlyMap<string, string>): string {
  let best: [string, string] | undefined;
  for (const [name, ns] of prefixes) {
    if (iri.startsWith(ns) && iri.length > ns.length && (!best || ns.length > best[1].length)) {
      best = [name, ns];
    }
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : `<${iri}>`;
}
