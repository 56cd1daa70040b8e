import {
  driveListQuery,
  driveNameQuery,
  escapeDriveQueryString,
} from "../../lib/index/drive_query.ts";
import { assertEquals } from "../_assert.ts";
import { parseDriveQuery } from "./_drive_server.ts";

Deno.test("escapeDriveQueryString() escapes quotes and backslashes", () => {
  assertEquals(escapeDriveQueryString("plain.torrent"), "plain.torrent");
  assertEquals(escapeDriveQueryString("it's"), "it\\'s");
  assertEquals(escapeDriveQueryString("a\\b"), "a\\\\b");
  assertEquals(escapeDriveQueryString("\\'"), "\\\\\\'");
});

Deno.test("driveNameQuery() and driveListQuery() build exact-name and folder queries", () => {
  assertEquals(driveNameQuery("a.torrent"), "name = 'a.torrent' and trashed = false");
  assertEquals(
    driveNameQuery("it's.torrent", { folderId: "F1" }),
    "name = 'it\\'s.torrent' and trashed = false and 'F1' in parents",
  );
  assertEquals(driveListQuery(), "trashed = false");
  assertEquals(driveListQuery({ folderId: "F1" }), "trashed = false and 'F1' in parents");
});

Deno.test("driveNameQuery() round-trips hostile names through a Drive query parser", () => {
  const file = (name: string) => ({
    id: "1",
    name,
    mimeType: "x",
    parents: ["root"],
    trashed: false,
    bytes: new Uint8Array(),
  });
  for (
    const name of ["a' or name contains '", "\\", "\\'", "x\\' and trashed = true and 'y", "''"]
  ) {
    const match = parseDriveQuery(driveNameQuery(name));
    assertEquals([name, match(file(name))], [name, true]);
    assertEquals([name, match(file(name + "x"))], [name, false]);
  }
});
