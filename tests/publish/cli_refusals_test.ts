/**
 * `owm publish` (the real CLI, as a process) of what cannot be published: a
 * named pipe, a link out of the folder, a link to /dev/null, two names that
 * differ only in case, content already published under another name, and
 * trackers or web seeds at link-local or metadata addresses (allowed with
 * `--allow-link-local`; `file:` never). Each exits non-zero with one line on
 * stderr naming the problem, and no stack trace.
 */
import { join } from "node:path";
import { parseMetainfo } from "../../lib/torrent/metainfo.ts";
import { owm, type Run } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { tempDir } from "../torrent/_fixtures.ts";

async function folder(root: string, name: string, files: Record<string, string>) {
  await Deno.mkdir(join(root, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(root, name, file), text);
  }
  return join(root, name);
}

function publish(home: string, path: string, key: string, ...more: string[]): Promise<Run> {
  return owm([
    "--home",
    home,
    "publish",
    path,
    "--class",
    "CSVDataSource",
    "--key",
    key,
    "--no-seed",
    ...more,
  ]);
}

/** Exit 1, one line on stderr that holds every word, no stack trace. */
function assertRefused(run: Run, words: string[], what: string): string {
  assertEquals(run.code, 1, `${what}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  assertEquals(lines.length, 1, `${what}: one line on stderr:\n${run.stderr}`);
  assert(lines[0]!.startsWith("owm: "), lines[0]);
  assert(!lines[0]!.includes("unexpected error"), `${what} is not reported as a bug: ${lines[0]}`);
  for (const word of words) assertStringIncludes(lines[0]!, word, what);
  assert(!/^\s+at /m.test(run.stderr), `${what}: no stack trace`);
  return lines[0]!;
}

Deno.test("owm publish refuses a pipe, a link out, /dev/null, a case clash and republished content, in one line", async () => {
  const tmp = await tempDir();
  const root = join(tmp, "data");
  const home = join(tmp, "store");
  const fifo = await folder(root, "fifo", { "a.csv": "1,2\n" });
  assert((await new Deno.Command("mkfifo", { args: [join(fifo, "pipe")] }).output()).success);
  const secret = join(tmp, "secret.txt");
  await Deno.writeTextFile(secret, "outside\n");
  const linkOut = await folder(root, "link-out", { "a.csv": "1,2\n" });
  await Deno.symlink(secret, join(linkOut, "secret.txt"));
  const devNull = await folder(root, "dev-null", { "a.csv": "1,2\n" });
  await Deno.symlink("/dev/null", join(devNull, "null"));
  const clash = await folder(root, "case", { "Data.csv": "1,2\n", "data.csv": "3,4\n" });
  const first = await folder(root, "first", { "a.csv": "the same content\n" });
  const second = await folder(root, "second", { "a.csv": "the same content\n" });

  const published = await publish(home, first, "first");
  assertEquals(published.code, 0, published.stderr);

  assertRefused(await publish(home, fifo, "fifo"), ["pipe", "a named pipe (FIFO)"], "fifo");
  assertRefused(
    await publish(home, linkOut, "link-out"),
    ["secret.txt", "outside the folder"],
    "link out",
  );
  assertRefused(await publish(home, devNull, "dev-null"), ["'/dev/null'"], "/dev/null");
  assertRefused(await publish(home, clash, "case"), ["Data.csv", "only in case"], "case clash");
  const again = assertRefused(
    await publish(home, second, "second"),
    ["CSVDataSource:first", "nothing was changed"],
    "republished content",
  );
  assert(!/replace/i.test(again), `no --replace is suggested: it does not exist: ${again}`);

  const list = await owm(["--home", home, "source", "list"]);
  assertEquals(list.stdout.trim().split("\n"), ["CSVDataSource:first"], "nothing else published");
});

Deno.test("owm publish refuses link-local and metadata trackers and web seeds unless --allow-link-local; file: always", async () => {
  const tmp = await tempDir();
  const home = join(tmp, "store");
  const content = await folder(tmp, "worms", { "a.csv": "1,2\n" });
  const cases: [string, string, string][] = [
    ["--tracker", "http://169.254.169.254/announce", "169.254.0.0/16"],
    ["--web-seed", "http://[fe80::1]/data/", "fe80::/10"],
    ["--tracker", "udp://100.100.100.200:6969", "100.100.100.200"],
    ["--web-seed", "http://[fd00:ec2::254]/", "fd00:ec2::254"],
    ["--tracker", "http://[::ffff:169.254.169.254]/announce", "written as IPv6"],
  ];
  for (const [flag, url, reason] of cases) {
    const line = assertRefused(
      await publish(home, content, "worms", flag, url),
      [url, reason, "--allow-link-local"],
      url,
    );
    assertStringIncludes(line, "OWM_ALLOW_LINK_LOCAL=1");
  }
  const file = await publish(
    home,
    content,
    "worms",
    "--allow-link-local",
    "--web-seed",
    "file:///etc/passwd",
  );
  assertRefused(file, ["file:///etc/passwd", "not an http or https URL"], "file: web seed");
  assert(!file.stderr.includes("--allow-link-local"), "no option is offered for file:");
  assertEquals((await owm(["--home", home, "source", "list"])).stdout.trim(), "");

  const allowed = await publish(
    home,
    content,
    "worms",
    "--allow-link-local",
    "--tracker",
    "http://169.254.169.254/announce",
    "--web-seed",
    "http://[fe80::1]/data/",
    "--json",
  );
  assertEquals(allowed.code, 0, allowed.stderr);
  const { torrentFileName } = JSON.parse(allowed.stdout);
  const meta = parseMetainfo(await Deno.readFile(join(home, "torrents", torrentFileName)));
  assertEquals([meta.announce, meta.urlList], [["http://169.254.169.254/announce"], [
    "http://[fe80::1]/data/",
  ]]);

  const other = await folder(tmp, "other", { "b.csv": "3,4\n" });
  const env = await owm(
    [
      "--home",
      home,
      "publish",
      other,
      "--class",
      "CSVDataSource",
      "--key",
      "env",
      "--no-seed",
      "--tracker",
      "http://169.254.169.254/announce",
    ],
    { env: { OWM_ALLOW_LINK_LOCAL: "1" } },
  );
  assertEquals(env.code, 0, `OWM_ALLOW_LINK_LOCAL=1 allows it too: ${env.stderr}`);
});
