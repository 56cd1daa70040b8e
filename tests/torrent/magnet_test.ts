import { isPeerAddress, MagnetError, magnetLink, parseMagnet } from "../../lib/torrent/magnet.ts";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";

const HASH = "c0fda1edafed4ef3b6c9a3a3e8a7c8d9b1a7c0aa";

/** RFC 4648 base32 of a hex string, written independently of the code under test. */
function base32(hex: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...hex].map((h) => parseInt(h, 16).toString(2).padStart(4, "0")).join("");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

Deno.test("magnetLink() writes xt, dn, tr, ws and x.pe, encoded", () => {
  const link = magnetLink(
    {
      infoHash: HASH,
      name: "my data & more",
      announce: ["udp://t.example:6969/announce"],
      urlList: ["https://seed.example/files/"],
    },
    { peers: ["127.0.0.1:6881", "[::1]:51413"] },
  );
  assertEquals(
    link,
    `magnet:?xt=urn:btih:${HASH}&dn=my%20data%20%26%20more` +
      "&tr=udp%3A%2F%2Ft.example%3A6969%2Fannounce" +
      "&ws=https%3A%2F%2Fseed.example%2Ffiles%2F" +
      "&x.pe=127.0.0.1%3A6881&x.pe=%5B%3A%3A1%5D%3A51413",
  );
  assertThrows(
    () => magnetLink({ infoHash: HASH, name: "x", announce: [], urlList: [] }, { peers: ["bad"] }),
    TypeError,
  );
});

Deno.test("parseMagnet() reads back what magnetLink() writes", () => {
  const meta = parseMetainfo(
    Deno.readFileSync(new URL("../testdata/libtorrent/url_seed.torrent", import.meta.url)),
  );
  const magnet = parseMagnet(magnetLink(meta, { peers: ["10.0.0.2:6881"] }));
  assertEquals(magnet, {
    infoHash: meta.infoHash,
    name: "temp",
    trackers: [],
    webSeeds: ["http://test.com/file"],
    peers: ["10.0.0.2:6881"],
  });
});

Deno.test("parseMagnet() accepts upper-case hex and base32 infohashes, and dedupes", () => {
  const upper = parseMagnet(`magnet:?xt=urn:btih:${HASH.toUpperCase()}&tr=udp://a:1&tr=udp://a:1`);
  assertEquals(upper.infoHash, HASH);
  assertEquals(upper.trackers, ["udp://a:1"]);
  assertEquals(upper.name, undefined);
  assertEquals(parseMagnet(`magnet:?xt=urn:btih:${base32(HASH)}`).infoHash, HASH);
  assertEquals(parseMagnet(`magnet:?xt=urn:btih:${base32(HASH).toLowerCase()}`).infoHash, HASH);
  // A hybrid magnet carries both; the v1 one is used.
  assertEquals(
    parseMagnet(`magnet:?xt=urn:btmh:1220${"ab".repeat(32)}&xt=urn:btih:${HASH}`).infoHash,
    HASH,
  );
});

Deno.test("parseMagnet() refuses what is not a usable v1 magnet link", () => {
  const cases: [string, string][] = [
    ["http://example.com", "must start with 'magnet:?'"],
    ["magnet:?dn=x", "no infohash"],
    ["magnet:?xt=urn:btih:1234", "invalid infohash"],
    [`magnet:?xt=urn:btih:${"g".repeat(40)}`, "invalid infohash"],
    [`magnet:?xt=urn:btih:${HASH}&xt=urn:btih:${"0".repeat(40)}`, "more than one torrent"],
    [`magnet:?xt=urn:btmh:1220${"ab".repeat(32)}`, "v2-only"],
    [`magnet:?xt=urn:btih:${HASH}&tr=javascript:alert(1)`, "invalid tracker URL"],
    [`magnet:?xt=urn:btih:${HASH}&ws=udp://x:1`, "invalid web seed URL"],
    [`magnet:?xt=urn:btih:${HASH}&x.pe=host`, "invalid peer address"],
    [`magnet:?xt=urn:btih:${HASH}&x.pe=host:99999`, "invalid peer address"],
    [`magnet:?xt=urn:btih:${HASH}&dn=${"x".repeat(70_000)}`, "longer than"],
  ];
  for (const [uri, part] of cases) {
    const error = assertThrows(() => parseMagnet(uri), MagnetError, part);
    assert(error instanceof SyntaxError);
  }
  const error = assertThrows(
    () => parseMagnet(`magnet:?xt=urn:btih:${HASH}&tr=%1B%5B2Jhttp`),
    MagnetError,
  );
  assert(!error.message.includes("\u001b"), "control characters are escaped");
});

Deno.test("isPeerAddress() accepts host:port and [ipv6]:port only", () => {
  for (const good of ["127.0.0.1:1", "example.org:65535", "[2001:db8::1]:6881"]) {
    assert(isPeerAddress(good), good);
  }
  for (const bad of ["127.0.0.1", ":80", "h:0", "h:65536", "::1:80", "h :80", "h:80/x"]) {
    assert(!isPeerAddress(bad), bad);
  }
});
