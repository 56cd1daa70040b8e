/**
 * The runtime as a second wall: the bridge started as users start it
 * (`deno task start`, through the launcher) runs in a process that may read
 * only its paths. A canary file outside them is refused by Deno inside that
 * process (the launcher's test-only `OWM_PERMISSION_PROBE` makes the bridge's
 * own process try to read it at start), a file in the store is readable, and
 * `/proc/<pid>/cmdline` of the process that serves shows the restricted flags.
 */
import { join } from "node:path";
import { shellEnv } from "../_env.ts";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const CONFIG = `--config=${join(ROOT, "deno.json")}`;
const onLinux = Deno.build.os === "linux";

/** `deno task start …` with `env`; its stdout up to `listening on`, and all of stderr later. */
async function startTask(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", CONFIG, "start", ...args],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1", ...env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  while (!stdout.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += value;
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return stdout;
      stdout += value;
    }
  })();
  return { child, firstLine: stdout.split("\n")[0]!, stderr, stdout: rest };
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "owm-perm-e2e-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "deno task start: the bridge's process is refused a read outside its paths (canary), reads its store, and runs with the restricted flags",
  ignore: !onLinux, // /proc/<pid>/cmdline
  async fn() {
    await withTemp(async (dir) => {
      const store = join(dir, "store");
      await Deno.mkdir(store);
      const canary = join(dir, "canary.txt"); // beside the store, in no allowed path
      await Deno.writeTextFile(canary, "CANARY-SECRET\n");
      const inside = join(store, "inside.txt");
      await Deno.writeTextFile(inside, "mine\n");
      const bridge = await startTask(
        ["--home", store, "--port", "0", "--torrent-port", "0", "--no-dht", "--no-lsd"],
        { OWM_PERMISSION_PROBE: JSON.stringify([canary, inside]) },
      );
      let stopped = false;
      try {
        assertMatch(bridge.firstLine, /^listening on http:\/\/127\.0\.0\.1:\d+$/);
        const url = bridge.firstLine.slice("listening on ".length);
        const { pid, token } = JSON.parse(await Deno.readTextFile(join(store, "bridge.json")));
        assert(typeof pid === "number" && pid !== bridge.child.pid, "the bridge is a child");

        // The process that serves: its command line carries the restricted flags.
        // Read by `cat`: Deno asks for --allow-all to read /proc/<pid>/cmdline, which `deno task test` does not give.
        const cmdline = await new Deno.Command("cat", { args: [`/proc/${pid}/cmdline`] }).output();
        const argv = new TextDecoder().decode(cmdline.stdout).split("\0");
        assert(argv.includes(`${ROOT}/kernel/server.ts`), argv.join(" "));
        assert(argv.includes("--no-prompt"), "--no-prompt");
        for (const a of argv) assert(!/^--allow-(run|ffi|sys|all)|^-A$/.test(a), a);
        assert(argv.includes("--allow-net"), "net");
        const list = (flag: string) =>
          argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1).split(",") ?? [];
        assertEquals(list("--allow-write"), [store], "writes only the store (cache off here)");
        assert(list("--allow-read").includes(store) && list("--allow-read").includes(ROOT));
        assert(!list("--allow-read").some((p) => canary.startsWith(p)), "no read path covers it");
        assert(list("--allow-env").includes("OWM_HOME") && !list("--allow-env").includes("PATH"));

        // It answers as a bridge does.
        const kinds = await fetch(`${url}/api/kinds`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assertEquals(kinds.status, 200);
        await kinds.body?.cancel();
        // Our own check refuses a publish outside (no --publish-root); the canary stays unread.
        const publish = await fetch(`${url}/api/publish`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ path: canary, class: "LocalFileDataSource", key: "c" }),
        });
        const body = await publish.text();
        assert(publish.status >= 400 && publish.status < 500, `${publish.status} ${body}`);
        assert(!body.includes("CANARY-SECRET"), body);

        bridge.child.kill("SIGTERM");
        stopped = true;
        assertEquals((await bridge.child.status).code, 0);
        const stderr = await bridge.stderr;
        // The runtime refused the read inside the bridge's own process; the store was readable.
        assertStringIncludes(stderr, `permission probe: denied ${canary} (NotCapable)`);
        assertStringIncludes(stderr, `permission probe: readable ${inside}`);
        assert(!stderr.includes("Allow?"), stderr);
        assert(!stderr.includes("CANARY-SECRET"), stderr);
        assertStringIncludes(stderr, "bridge: SIGTERM: saving state and stopping");
        await bridge.stdout;
      } finally {
        if (!stopped) {
          bridge.child.kill("SIGKILL");
          await bridge.child.status;
        }
      }
    });
  },
});

Deno.test("deno task start --help prints the bridge's options and exits 0", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", CONFIG, "start", "--help"],
    clearEnv: true,
    env: shellEnv({ NO_COLOR: "1" }),
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  for (const option of ["--home DIR", "--port N", "--publish-root DIR", "--index SPEC"]) {
    assertStringIncludes(stdout, option);
  }
  assert(!/^\s+at /m.test(stderr), stderr);
});

Deno.test("the launcher passes the child's exit code and its arguments through (deno task owm)", async () => {
  await withTemp(async (dir) => {
    const run = async (args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["task", "--quiet", CONFIG, "owm", "--home", join(dir, "store"), ...args],
        clearEnv: true,
        env: shellEnv({ NO_COLOR: "1" }),
        stdin: "null",
      }).output();
      const text = (b: Uint8Array) => new TextDecoder().decode(b);
      return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
    };
    assertEquals((await run(["init"])).code, 0);
    assertEquals((await run(["source", "show", "Nope:nothing"])).code, 1, "not found: 1");
    assertEquals((await run(["source", "list", "--no-such-option"])).code, 2, "usage: 2");
    const demo = await run(["demo"]);
    assertEquals(demo.code, 0, demo.stderr);
    assertStringIncludes(
      demo.stdout,
      "Torrent file name: 'd9da5ce947c6f1c127dfcdc2ede63320.torrent'",
    );
  });
});
