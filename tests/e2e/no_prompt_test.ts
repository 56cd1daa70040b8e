/**
 * No prompt, ever (issue #13): `deno task start`, `deno task owm source list`
 * and a real `deno task owm fetch` run under a pseudo-terminal (Python's pty
 * module, tests/e2e/_pty_run.py, which never types an answer) print no
 * permission question. With the flags the tasks had before the launcher, the
 * same helper sees Deno ask for FFI access to bufferutil: the last test keeps
 * that check honest.
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const CONFIG = `--config=${join(ROOT, "deno.json")}`;
const PTY = join(ROOT, "tests/e2e/_pty_run.py");
const PROMPT = /Allow\?|Deno requests|\[y\/n/;

function findPython(): string | undefined {
  for (
    const candidate of [
      "/usr/bin/python3",
      ...(Deno.env.get("PATH") ?? "").split(":").map((d) => join(d, "python3")),
    ]
  ) {
    try {
      if (Deno.statSync(candidate).isFile) return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

const PYTHON = findPython();
const IGNORE = PYTHON === undefined || Deno.build.os === "windows";
if (IGNORE) console.error("no_prompt_test: ignored: needs python3 (Debian: python3) and a pty");

interface PtyRun {
  output: string;
  exit: number | null;
  matched: boolean;
  timed_out: boolean;
}

/** The environment of a user's terminal: the prompt is not switched off. */
function terminalEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = shellEnv({ TERM: "xterm-256color", ...extra });
  delete env.DENO_NO_PROMPT;
  delete env.NO_COLOR;
  return env;
}

/** Runs `deno …args` under a pty for at most `seconds` (until `until`, plus 3 s). */
async function underPty(
  args: string[],
  seconds: number,
  until: string,
  env: Record<string, string> = terminalEnv(),
): Promise<PtyRun> {
  const out = await new Deno.Command(PYTHON!, {
    args: [PTY, String(seconds), until, "3", "--", Deno.execPath(), ...args],
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  const run = JSON.parse(text) as PtyRun;
  // deno colours the prompt: compare plain text.
  return { ...run, output: run.output.replace(new RegExp("\u001b\\[[0-9;]*m", "g"), "") };
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-pty-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name: "under a pty, deno task start prints `listening on` and no permission prompt",
  ignore: IGNORE,
  async fn() {
    await withTemp(async (dir) => {
      const run = await underPty(
        ["task", CONFIG, "start", "--home", join(dir, "s"), "--port", "0", "--torrent-port", "0"],
        60,
        "listening on",
      );
      assert(!PROMPT.test(run.output), run.output);
      assert(run.matched, `no 'listening on' within 60 s:\n${run.output}`);
      assertMatch(run.output, /listening on http:\/\/127\.0\.0\.1:\d+/);
      assertStringIncludes(run.output, "bridge: SIGTERM: saving state and stopping");
    });
  },
});

Deno.test({
  name: "under a pty, deno task owm source list runs to the end with no prompt",
  ignore: IGNORE,
  async fn() {
    await withTemp(async (dir) => {
      const init = await new Deno.Command(Deno.execPath(), {
        args: ["task", "--quiet", CONFIG, "owm", "--home", join(dir, "s"), "demo"],
        clearEnv: true,
        env: shellEnv({ NO_COLOR: "1" }),
        stdin: "null",
      }).output();
      assertEquals(init.code, 0, new TextDecoder().decode(init.stderr));
      const run = await underPty(
        ["task", CONFIG, "owm", "--home", join(dir, "s"), "source", "list"],
        60,
        "-",
        terminalEnv(),
      );
      assert(!PROMPT.test(run.output), run.output);
      assertEquals(run.timed_out, false, run.output);
      assertEquals(run.exit, 0, run.output);
      assertStringIncludes(run.output, "ConnectomeCSVDataSource:2000_connections");
    });
  },
});

Deno.test({
  name: "under a pty, a real deno task owm fetch from a seeding deno task owm publish asks nothing",
  ignore: IGNORE,
  async fn() {
    await withTemp(async (dir) => {
      const data = join(dir, "data");
      await Deno.mkdir(data);
      const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
      await Deno.writeFile(join(data, "blob.bin"), bytes);
      const seeder = new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "--quiet",
          CONFIG,
          "owm",
          "--home",
          join(dir, "a"),
          "publish",
          data,
          "--class",
          "LocalFileDataSource",
          "--key",
          "blob",
          "--port",
          "0",
          "--no-dht",
          "--no-lsd",
        ],
        clearEnv: true,
        env: shellEnv({ NO_COLOR: "1" }),
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      const reader = seeder.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let stderr = "";
      let port: string | undefined;
      while (port === undefined) {
        const { value, done } = await reader.read();
        if (done) break;
        stderr += value;
        port = stderr.match(/seeding \w+ on port (\d+)/)?.[1];
      }
      const drain = (async () => {
        while (!(await reader.read()).done) { /* drained */ }
      })();
      try {
        assert(port !== undefined, stderr);
        const torrents = join(dir, "a", "torrents");
        const name = [...Deno.readDirSync(torrents)].find((e) => e.name.endsWith(".torrent"))!.name;
        const run = await underPty(
          [
            "task",
            CONFIG,
            "owm",
            "--home",
            join(dir, "b"),
            "fetch",
            join(torrents, name),
            "--peer",
            `127.0.0.1:${port}`,
            "--no-dht",
            "--no-lsd",
            "--timeout",
            "60",
          ],
          90,
          "-",
        );
        assert(!PROMPT.test(run.output), run.output);
        assertEquals(run.exit, 0, run.output);
        const lines = run.output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
        const directory = lines.at(-1)!;
        assert(directory.startsWith(join(dir, "b")), run.output);
        // The content's own folder: the torrent's "data" folder.
        assertEquals(await Deno.readFile(join(directory, "blob.bin")), bytes);
      } finally {
        seeder.kill("SIGTERM");
        await seeder.status;
        await drain;
      }
    });
  },
});

/** Whether `ROOT` is a git work tree that `git clone` can copy. */
function gitRepo(): boolean {
  try {
    return new Deno.Command("git", {
      args: ["-C", ROOT, "rev-parse", "--git-dir"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "under a pty, deno task test on a fresh clone with an empty Deno cache starts its tests with no prompt",
  ignore: IGNORE || !gitRepo(),
  async fn() {
    // A fresh clone (no node_modules) and an empty DENO_DIR: every npm package is
    // downloaded and node_modules made, as on a new machine (measured: about 45 s to
    // the first "running N tests" line). Only the start is run: until the first test
    // file runs, plus 5 s, then the suite is stopped.
    await withTemp(async (dir) => {
      const clone = join(dir, "clone");
      const cloned = await new Deno.Command("git", {
        args: ["clone", "--quiet", ROOT, clone],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert(cloned.success, new TextDecoder().decode(cloned.stderr));
      const denoDir = join(dir, "deno-dir");
      await Deno.mkdir(denoDir);
      const run = await underPty(
        ["task", `--config=${join(clone, "deno.json")}`, "test"],
        400,
        "running \\d+ tests? from",
        terminalEnv({ DENO_DIR: denoDir }),
      );
      assert(!PROMPT.test(run.output), run.output.slice(-4000));
      assert(run.matched, `no test ran within 400 s:\n${run.output.slice(-4000)}`);
      // deno.json's allowScripts: no "Ignored build scripts … approve-scripts" box.
      assert(!run.output.includes("approve-scripts"), run.output.slice(0, 4000));
    });
  },
});

Deno.test({
  name:
    "the pty helper sees the FFI prompt the old task flags gave (so its silence above means something)",
  ignore: IGNORE,
  async fn() {
    await withTemp(async (dir) => {
      const run = await underPty(
        [
          "run",
          "--allow-net",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          `${ROOT}/kernel/server.ts`,
          "--home",
          join(dir, "s"),
          "--port",
          "0",
          "--torrent-port",
          "0",
        ],
        60,
        "Allow\\?",
      );
      assert(run.matched, run.output);
      assertStringIncludes(run.output, "requests ffi access");
    });
  },
});
