import { join } from "node:path";
import {
  assertInside,
  checkRelativeName,
  confinedFieldPath,
  confinedJoin,
  confinedPath,
  confinedRealPath,
  LinkEscapeError,
  PathEscapeError,
  relativeNameProblem,
  UnsafeFieldPathError,
} from "../../lib/fs/confine.ts";
import * as fsMod from "../../lib/fs/mod.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../_assert.ts";

/** A folder `root/set` (the confining folder) beside `root/outside/canary.txt`. */
async function layout(): Promise<{ root: string; set: string; outside: string; canary: string }> {
  const root = await Deno.makeTempDir({ prefix: "owm-confine-" });
  const set = join(root, "set");
  const outside = join(root, "outside");
  await Deno.mkdir(join(set, "sub"), { recursive: true });
  await Deno.mkdir(outside);
  await Deno.writeTextFile(join(set, "sub", "a.csv"), "a,b\n");
  const canary = join(outside, "canary.txt");
  await Deno.writeTextFile(canary, "CANARY-SECRET\n");
  return { root, set, outside, canary };
}

Deno.test("the ./fs subpath (lib/fs/mod.ts) gives the same confinement as lib/fs/confine.ts", () => {
  assert(fsMod.confinedJoin === confinedJoin);
  assert(fsMod.PathEscapeError === PathEscapeError);
});

Deno.test("relativeNameProblem() accepts plain relative names and refuses every trick", () => {
  for (const ok of ["a.csv", "sub/a.csv", "./a.csv", "a..b.csv", "...", "~/x"]) {
    assertEquals(relativeNameProblem(ok), undefined, ok);
  }
  const bad: [unknown, string][] = [
    ["../x.csv", "leads outside"],
    ["../../x.csv", "leads outside"],
    ["sub/../../x", "leads outside"],
    ["..", "leads outside"],
    ["/etc/passwd", "absolute"],
    ["a\0b", "NUL"],
    ["a\nb", "control"],
    ["..\\..\\x", "backslash"],
    ["sub\\a.csv", "backslash"],
    ["C:x.csv", "drive letter"],
    ["c:/windows", "drive letter"],
    ["", "empty"],
    [".", "folder itself"],
    ["./", "folder itself"],
    [42, "not a string"],
  ];
  for (const [value, reason] of bad) {
    const problem = relativeNameProblem(value);
    assert(problem !== undefined && problem.includes(reason), `${String(value)}: ${problem}`);
  }
});

Deno.test("checkRelativeName() names the owner, the field and the value", () => {
  assertEquals(checkRelativeName("a.csv", "csvFileName", "CSVDataSource:w"), "a.csv");
  const error = assertThrows(
    () => checkRelativeName("../../x.csv", "csvFileName", "CSVDataSource:worms"),
    UnsafeFieldPathError,
  );
  assertEquals(
    error.message,
    "CSVDataSource:worms: csvFileName '../../x.csv' leads outside its content folder: use a name inside the dataset",
  );
  assertEquals([error.field, error.value, error.owner], [
    "csvFileName",
    "../../x.csv",
    "CSVDataSource:worms",
  ]);
  assertEquals(error.name, "UnsafeFieldPathError");
});

Deno.test("confinedJoin() refuses .., absolute paths, NUL and the folder itself", () => {
  assertEquals(confinedJoin("/data", "set/a.csv"), "/data/set/a.csv");
  for (const bad of ["..", "../x", "a/../../x", "/etc/passwd", "a\0b", "", "."]) {
    const error = assertThrows(() => confinedJoin("/data", bad), PathEscapeError);
    assertEquals(error.path, bad);
  }
});

Deno.test("confinedPath() allows plain paths, missing ones and links that stay inside", async () => {
  const { root, set } = await layout();
  try {
    assertEquals(await confinedPath(set, "sub/a.csv"), join(set, "sub", "a.csv"));
    assertEquals(
      await confinedPath(set, "not/yet/there.csv"),
      join(set, "not", "yet", "there.csv"),
    );
    await Deno.symlink("sub", join(set, "current"));
    await Deno.symlink("current/a.csv", join(set, "latest.csv"));
    assertEquals(await confinedPath(set, "current/a.csv"), join(set, "current", "a.csv"));
    assertEquals(await confinedPath(set, "latest.csv"), join(set, "latest.csv"));
    const real = await Deno.realPath(join(set, "sub", "a.csv"));
    assertEquals(await confinedRealPath(set, "latest.csv"), real);
    // The folder itself may be reached through a link (e.g. /tmp -> /private/tmp).
    await Deno.symlink(set, join(root, "set-link"));
    assertEquals(
      await confinedPath(join(root, "set-link"), "current/a.csv"),
      join(root, "set-link", "current", "a.csv"),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("confinedPath() refuses a link out of the folder, naming the link, without reading it", async () => {
  const { root, set, outside, canary } = await layout();
  try {
    await Deno.symlink(canary, join(set, "data.csv"));
    await Deno.symlink(outside, join(set, "dir-out"));
    await Deno.symlink("../outside", join(set, "rel-out"));
    const atime = (await Deno.stat(canary)).atime?.getTime();
    for (
      const [rel, link] of [["data.csv", "data.csv"], ["dir-out/canary.txt", "dir-out"], [
        "rel-out/canary.txt",
        "rel-out",
      ], ["rel-out/not-there", "rel-out"]]
    ) {
      const error = await assertRejects(() => confinedPath(set, rel!), LinkEscapeError);
      assertEquals(error.link, link);
      assert(error.message.includes(JSON.stringify(link)), error.message);
      assert(error instanceof PathEscapeError, "a LinkEscapeError is a PathEscapeError");
    }
    await assertRejects(() => confinedRealPath(set, "data.csv"), LinkEscapeError);
    await assertRejects(
      () => assertInside(set, join(set, "dir-out", "canary.txt")),
      LinkEscapeError,
    );
    assertEquals((await Deno.stat(canary)).atime?.getTime(), atime);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("confinedPath() follows a chain of links and refuses one whose end is outside", async () => {
  const { root, set, canary } = await layout();
  try {
    await Deno.symlink(canary, join(set, "sub", "hop2"));
    await Deno.symlink("sub/hop2", join(set, "hop1"));
    const error = await assertRejects(() => confinedPath(set, "hop1"), LinkEscapeError);
    assertEquals(error.link, "hop1");
    // A dangling chain whose last hop would be outside: writing through it would escape.
    await Deno.symlink(join(root, "outside", "new-file"), join(set, "sub", "dangling2"));
    await Deno.symlink("sub/dangling2", join(set, "dangling1"));
    await assertRejects(() => confinedPath(set, "dangling1"), LinkEscapeError);
    // A dangling link that stays inside is allowed.
    await Deno.symlink("sub/later.csv", join(set, "later"));
    assertEquals(await confinedPath(set, "later"), join(set, "later"));
    // A loop is refused, not followed for ever.
    await Deno.symlink("loop-b", join(set, "loop-a"));
    await Deno.symlink("loop-a", join(set, "loop-b"));
    await assertRejects(() => confinedPath(set, "loop-a"), Error);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("confinedFieldPath() checks the name first, then the links", async () => {
  const { root, set, canary } = await layout();
  try {
    await Deno.symlink(canary, join(set, "x.csv"));
    const named = await assertRejects(
      () => confinedFieldPath(set, "../outside/canary.txt", "fileName", "LocalFileDataSource:k"),
      UnsafeFieldPathError,
    );
    assertEquals(named.field, "fileName");
    await assertRejects(() => confinedFieldPath(set, "x.csv", "fileName", "L:k"), LinkEscapeError);
    assertEquals(
      await confinedFieldPath(set, "sub/a.csv", "csvFileName"),
      join(set, "sub", "a.csv"),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
