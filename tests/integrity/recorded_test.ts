/**
 * recordedIntegrity: what a DataSource records about its content.
 */
import { CSVDataSource, DataSource, LocalFileDataSource } from "../../mod.ts";
import { recordedIntegrity } from "../../lib/integrity/recorded.ts";
import { assertEquals } from "../_assert.ts";
import { VECTORS } from "./_fixtures.ts";

Deno.test("recordedIntegrity() collects hashes and the legacy torrent name", () => {
  const ds = new LocalFileDataSource({
    key: "recorded",
    md5: VECTORS.abc.md5,
    sha256: VECTORS.abc.sha256,
  });
  ds.set("torrentFileName", ["dataset.torrent", `${VECTORS.abc.md5}.torrent`]);
  assertEquals(recordedIntegrity(ds), {
    md5: VECTORS.abc.md5,
    sha256: VECTORS.abc.sha256,
    legacyTorrentName: `${VECTORS.abc.md5}.torrent`,
  });
});

Deno.test("recordedIntegrity() is empty for a DataSource without such fields or values", () => {
  assertEquals(recordedIntegrity(new DataSource({ key: "plain" })), {});
  assertEquals(
    recordedIntegrity(new CSVDataSource({ key: "c", torrentFileName: "not-legacy.torrent" })),
    {},
  );
});
