/**
 * lib/runtime/env_view.ts, preloaded into a real `deno run --no-prompt
 * --allow-env=<names>`: npm code that lists or reads `process.env` sees only
 * the readable variables and never throws, while `Deno.env` still refuses the
 * others. Without the view, listing throws (what npm:debug does when it loads).
 */
import { join } from "node:path";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const VIEW = join(ROOT, "lib/runtime/env_view.ts");

const SCRIPT = `
import process from "node:process";
const out = {};
try { out.keys = Object.keys(process.env).sort(); } catch (e) { out.keys = e.name; }
try { out.home = process.env.OWM_HOME; out.secret = process.env.SECRET_TOKEN ?? null; } catch (e) { out.home = e.name; }
try { out.has = "SECRET_TOKEN" in process.env; } catch (e) { out.has = e.name; }
try { process.env.SET_BY_PACKAGE = "x"; out.written = process.env.SET_BY_PACKAGE; } catch (e) { out.written = e.name; }
try { Deno.env.get("SECRET_TOKEN"); out.deno = "read"; } catch (e) { out.deno = e.name; }
console.log(JSON.stringify(out));
`;

async function run(preload: boolean): Promise<Record<string, unknown>> {
  const dir = await Deno.makeTempDir();
  try {
    const script = join(dir, "s.mjs");
    await Deno.writeTextFile(script, SCRIPT);
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        `--allow-read=${ROOT},${dir}`,
        "--allow-env=OWM_HOME,OWM_PORT",
        ...(preload ? ["--preload", VIEW] : []),
        script,
      ],
      clearEnv: true,
      env: { OWM_HOME: "/s", SECRET_TOKEN: "hunter2", PATH: Deno.env.get("PATH") ?? "" },
      stdin: "null",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("process.env under the view: readable names only, no throw; Deno.env still refuses", async () => {
  assertEquals(await run(true), {
    keys: ["OWM_HOME"],
    home: "/s",
    secret: null,
    has: false,
    written: "x",
    deno: "NotCapable",
  });
});

Deno.test("without the view, listing process.env throws NotCapable (why the view exists)", async () => {
  const out = await run(false);
  assertEquals([out.keys, out.home, out.has], ["NotCapable", "NotCapable", "NotCapable"]);
});
