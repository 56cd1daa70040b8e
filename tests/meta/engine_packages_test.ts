/**
 * The engine loads no package it never uses: webtorrent imports
 * `@silentbot1/nat-api` (UPnP/NAT-PMP port mapping, with an XML parser,
 * execa and default-gateway behind it: ~20 ms and ~5 MiB at every start),
 * which our engine always turns off, so `deno.json` links it to the
 * stand-in in lib/torrent/stand_ins/nat-api (as WebRTC and uTP).
 */
import { assert, assertEquals } from "../_assert.ts";
import { denoInfo } from "./_deno_info.ts";

Deno.test("the engine's npm graph holds the NAT stand-in, and none of the real package's dependencies", async () => {
  const info = await denoInfo("lib/torrent/engine.ts");
  const packages = Object.values(info.npmPackages);
  assert(packages.some((p) => p.name === "webtorrent"), "the graph was read");
  const nat = packages.filter((p) => p.name === "@silentbot1/nat-api");
  assertEquals(nat.map((p) => p.dependencies), [[]], "the stand-in, which depends on nothing");
  for (const gone of ["xml2js", "xmlbuilder", "execa", "default-gateway"]) {
    assert(!packages.some((p) => p.name === gone), `${gone} is not in the engine's graph`);
  }
});
