/**
 * Which tracker and web seed URLs the engine may contact.
 *
 * A `.torrent`, a magnet link, an index record or a request can name any
 * URL; contacting it is a request made from this machine on their behalf.
 * Refused by default:
 *
 * - schemes other than http, https, udp, ws and wss for trackers, and http
 *   and https for web seeds (`file:`, `data:`, `ftp:`, …);
 * - link-local and cloud metadata addresses: `169.254.0.0/16` (where AWS,
 *   GCP, Azure and others answer on 169.254.169.254), `fe80::/10`,
 *   `fd00:ec2::254` (AWS over IPv6), `100.100.100.200` (Alibaba Cloud), the
 *   unspecified `0.0.0.0/8` and `::`, the same addresses mapped into IPv6
 *   (`::ffff:169.254.169.254`, `64:ff9b::/96`), and host names that resolve
 *   to any of them.
 *
 * Loopback (127.0.0.0/8, ::1) and private networks stay allowed: a local
 * tracker or seeder is an ordinary setup. Link-local and metadata addresses
 * are allowed with `OWM_ALLOW_LINK_LOCAL=1` (for `owm` and the bridge),
 * `owm --allow-link-local`, or `urlPolicy: { allowLinkLocal: true }` in the
 * options of `createTorrent`, `publish` and `TorrentSession.open`.
 *
 * The check of a host name resolves it once, before use; the engine resolves
 * it again when it connects (a name whose answer changes in between is not
 * caught here).
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { InvalidInputError } from "../errors/invalid_input.ts";
import { processEnv } from "../settings/env.ts";
import { envSwitch } from "../settings/settings.ts";

/** What a URL is used for. */
export type UrlKind = "tracker" | "web seed" | "SPARQL endpoint";

/** Resolves a host name to its addresses (IPv4 dotted, IPv6 without brackets). */
export type AddressResolver = (hostname: string) => Promise<string[]>;

/** Options of the URL checks. */
export interface UrlPolicyOptions {
  /**
   * Allow link-local and metadata addresses.
   * @default {true when the environment has OWM_ALLOW_LINK_LOCAL=1}
   */
  allowLinkLocal?: boolean;
  /** How host names are resolved. @default {the system resolver (getaddrinfo), with /etc/hosts} */
  resolve?: AddressResolver;
}

/** The environment variable that allows link-local and metadata addresses. */
export const ALLOW_LINK_LOCAL_ENV = "OWM_ALLOW_LINK_LOCAL";

const HOW_TO_ALLOW =
  `to contact it anyway, set ${ALLOW_LINK_LOCAL_ENV}=1 (or owm --allow-link-local; in code, urlPolicy: { allowLinkLocal: true })`;

const PROTOCOLS: Record<UrlKind, ReadonlySet<string>> = {
  tracker: new Set(["http:", "https:", "udp:", "ws:", "wss:"]),
  "web seed": new Set(["http:", "https:"]),
  "SPARQL endpoint": new Set(["http:", "https:"]),
};

/**
 * A tracker or web seed URL that is refused (422 `refused-url` from the bridge).
 *
 * @example
 * ```ts
 * import { checkUrls, RefusedUrlError } from "./url_policy.ts";
 *
 * try {
 *   await checkUrls(["http://169.254.169.254/announce"], "tracker");
 * } catch (error) {
 *   if (error instanceof RefusedUrlError) console.log(error.url, error.reason);
 * }
 * ```
 */
export class RefusedUrlError extends InvalidInputError {
  /** The URL. */
  readonly url: string;
  /** What it was for. */
  readonly kind: UrlKind;
  /** Why it is refused. */
  readonly reason: string;
  /** Creates the error. */
  constructor(url: string, kind: UrlKind, reason: string) {
    super(`Refusing ${kind} ${JSON.stringify(url)}: ${reason}`, {
      status: 422,
      code: "refused-url",
    });
    this.name = "RefusedUrlError";
    this.url = url;
    this.kind = kind;
    this.reason = reason;
  }
}

/**
 * Whether the environment allows link-local and metadata addresses
 * (`OWM_ALLOW_LINK_LOCAL` on: `1`, `true`, `yes` or `on`).
 *
 * @example
 * ```ts
 * import { linkLocalAllowedByEnv } from "./url_policy.ts";
 * console.log(linkLocalAllowedByEnv()); // false unless OWM_ALLOW_LINK_LOCAL=1
 * ```
 */
export function linkLocalAllowedByEnv(): boolean {
  return envSwitch(processEnv, ALLOW_LINK_LOCAL_ENV) ?? false;
}

function ipv4Parts(address: string): number[] | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((n) => n <= 255) ? numbers : undefined;
}

/** The eight 16-bit groups of an IPv6 address, or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const v4 = ipv4Parts(text.slice(lastColon + 1));
  if (v4) {
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (half: string) => (half === "" ? [] : half.split(":"));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest].map(
    (g) => parseInt(g, 16),
  );
  if (tail.length === 2) groups.splice(6, 2, tail[0]!, tail[1]!);
  return groups;
}

function ipv4Reason(p: readonly number[]): string | undefined {
  if (p[0] === 169 && p[1] === 254) {
    return "it is a link-local address (169.254.0.0/16, where cloud metadata services answer)";
  }
  if (p[0] === 100 && p[1] === 100 && p[2] === 100 && p[3] === 200) {
    return "it is a cloud metadata address (100.100.100.200)";
  }
  if (p[0] === 0) return "it is an unspecified address (0.0.0.0/8)";
  return undefined;
}

/**
 * Why `address` (an IP address, IPv6 with or without brackets) may not be
 * contacted without {@linkcode UrlPolicyOptions.allowLinkLocal}, or
 * `undefined` when it may.
 *
 * @param address An IPv4 or IPv6 address; anything else is `undefined`.
 * @returns The reason, as the end of a sentence.
 *
 * @example
 * ```ts
 * import { refusedAddressReason } from "./url_policy.ts";
 *
 * refusedAddressReason("169.254.169.254"); // "it is a link-local address (…)"
 * refusedAddressReason("[fe80::1]");       // "it is a link-local address (fe80::/10)"
 * refusedAddressReason("127.0.0.1");       // undefined
 * ```
 */
export function refusedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, "$1");
  const v4 = ipv4Parts(bare);
  if (v4) return ipv4Reason(v4);
  const g = ipv6Groups(bare);
  if (!g) return undefined;
  if ((g[0]! & 0xffc0) === 0xfe80) return "it is a link-local address (fe80::/10)";
  if (g.join(":") === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(":")) {
    return "it is a cloud metadata address (fd00:ec2::254)";
  }
  if (g.every((x) => x === 0)) return "it is the unspecified address (::)";
  const embedded = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  const first5Zero = g.slice(0, 5).every((x) => x === 0);
  const mapped = first5Zero && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (mapped || nat64) {
    const reason = ipv4Reason(embedded);
    if (reason) return `${reason}, written as IPv6`;
  }
  return undefined;
}

/** The system resolver: every address of `hostname`, as `getaddrinfo` (and /etc/hosts) give them. */
export const systemResolver: AddressResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
};

/**
 * Why `url` may not be used as a `kind`, or `undefined` when it may: a scheme
 * that is not a network one, or a host (literal or resolved) that is
 * link-local or a metadata address (unless allowed). A name that does not
 * resolve is not refused here: contacting it fails on its own.
 *
 * @param url The URL.
 * @param kind `"tracker"`, `"web seed"` or `"SPARQL endpoint"` (a graph server, lib/graph/sparql_backend.ts).
 * @param options Whether link-local addresses are allowed; the resolver.
 * @returns The reason, or `undefined`.
 *
 * @example
 * ```ts
 * import { urlRefusal } from "./url_policy.ts";
 *
 * await urlRefusal("http://169.254.169.254/announce", "tracker"); // "it is a link-local …"
 * await urlRefusal("file:///etc/passwd", "web seed");              // "it is not an http or https URL"
 * await urlRefusal("http://127.0.0.1:6969/announce", "tracker");   // undefined
 * ```
 */
export async function urlRefusal(
  url: string,
  kind: UrlKind,
  options: UrlPolicyOptions = {},
): Promise<string | undefined> {
  const protocols = PROTOCOLS[kind];
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !protocols.has(parsed.protocol)) {
    return kind === "tracker"
      ? "it is not an http, https, udp, ws or wss URL"
      : "it is not an http or https URL";
  }
  if (options.allowLinkLocal ?? linkLocalAllowedByEnv()) return undefined;
  const host = parsed.hostname;
  const literal = refusedAddressReason(host);
  if (literal) return `${literal}; ${HOW_TO_ALLOW}`;
  if (ipv4Parts(host) || host.startsWith("[")) return undefined;
  let addresses: string[];
  try {
    addresses = await (options.resolve ?? systemResolver)(host);
  } catch {
    return undefined;
  }
  for (const address of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) return `${host} resolves to ${address}: ${reason}; ${HOW_TO_ALLOW}`;
  }
  return undefined;
}

/**
 * Checks URLs given on purpose (flags, options, request fields): the first
 * refused one is an error.
 *
 * @throws {RefusedUrlError} Naming the URL, why, and how to allow it when it can be.
 *
 * @example
 * ```ts
 * import { checkUrls, RefusedUrlError } from "./url_policy.ts";
 *
 * await checkUrls(["http://127.0.0.1:6969/announce"], "tracker"); // fine
 * try {
 *   await checkUrls(["http://169.254.169.254/"], "web seed");
 * } catch (error) {
 *   console.log(error instanceof RefusedUrlError); // true
 * }
 * ```
 */
export async function checkUrls(
  urls: readonly string[],
  kind: UrlKind,
  options: UrlPolicyOptions = {},
): Promise<void> {
  for (const url of urls) {
    const reason = await urlRefusal(url, kind, options);
    if (reason) throw new RefusedUrlError(url, kind, reason);
  }
}

/** What {@linkcode screenUrls} kept and dropped. */
export interface ScreenedUrls {
  /** The URLs that may be used, in order. */
  kept: string[];
  /** One warning per dropped URL, naming it and why. */
  warnings: string[];
}

/**
 * Screens URLs that came with a torrent (its `announce`, `announce-list` and
 * `url-list`, a magnet's `tr` and `ws`): refused ones are dropped, each with a
 * warning, and the rest kept. A torrent's identity does not depend on them, so
 * dropping one loses only a way to find peers, where refusing the whole
 * torrent would let one bad URL block a dataset.
 *
 * @example
 * ```ts
 * import { screenUrls } from "./url_policy.ts";
 *
 * const { kept, warnings } = await screenUrls(
 *   ["http://127.0.0.1:6969/announce", "http://169.254.169.254/announce"],
 *   "tracker",
 * );
 * // kept: the first; warnings: one line naming the second
 * ```
 */
export async function screenUrls(
  urls: readonly string[],
  kind: UrlKind,
  options: UrlPolicyOptions = {},
): Promise<ScreenedUrls> {
  const reasons = await Promise.all(urls.map((url) => urlRefusal(url, kind, options)));
  const kept: string[] = [];
  const warnings: string[] = [];
  urls.forEach((url, i) => {
    const reason = reasons[i];
    if (reason) warnings.push(`ignoring the torrent's ${kind} ${JSON.stringify(url)}: ${reason}`);
    else kept.push(url);
  });
  return { kept, warnings };
}
