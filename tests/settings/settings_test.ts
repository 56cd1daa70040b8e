/**
 * The one settings reader (lib/settings/settings.ts) and its rules, and that
 * every entry point builds its fetch stack from it: each spelling of off
 * (`0`, `false`, `no`, `off`, in any case) turns DHT and LSD off for
 * `require()` (and the SDK's `defaultRegistry`), for `owm fetch` and for the
 * bridge; a value that means nothing is an error naming the variable, in
 * process and from the real `owm`.
 */
import { join } from "node:path";
import { bridgeSettings, BridgeState } from "../../kernel/bridge_state.ts";
import { commandSettings, commandStack } from "../../lib/cli/transfer_context.ts";
import { DataSourceRepository } from "../../lib/datasource/repository.ts";
import { requireSettings } from "../../lib/sdk/require.ts";
import { envFrom } from "../../lib/settings/env.ts";
import {
  envSwitch,
  readSettings,
  SettingError,
  type Settings,
} from "../../lib/settings/settings.ts";
import { StoreLayout } from "../../lib/settings/store_layout.ts";
import { defaultRegistry } from "../../lib/stack/defaults.ts";
import { openStack } from "../../lib/stack/stack.ts";
import { owm } from "../_owm.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../_assert.ts";
import { withTempDir } from "../torrent/_fixtures.ts";

const OFF = ["0", "false", "no", "off", "OFF", "False", " no "];
const ON = ["1", "true", "yes", "on", "ON", "Yes"];
const SWITCHES = [
  "OWM_OFFLINE",
  "OWM_CACHE",
  "OWM_DHT",
  "OWM_LSD",
  "OWM_LOCKED",
  "OWM_ALLOW_LINK_LOCAL",
  "OWM_DEBUG",
];

Deno.test("every yes/no variable: 1/true/yes/on on, 0/false/no/off off, unset default, else an error naming it", () => {
  for (const name of SWITCHES) {
    for (const value of ON) assertEquals(envSwitch(envFrom({ [name]: value }), name), true, value);
    for (const value of OFF) {
      assertEquals(envSwitch(envFrom({ [name]: value }), name), false, value);
    }
    assertEquals(envSwitch(envFrom({}), name), undefined);
    assertEquals(envSwitch(envFrom({ [name]: "" }), name), undefined, "empty is unset");
    const error = assertThrows(
      () => readSettings({ home: "/s" }, envFrom({ [name]: "maybe" })),
      SettingError,
    );
    assertEquals([error.setting, error.value, error.code], [name, "maybe", "bad-setting"]);
    assertStringIncludes(error.message, `${name}=maybe is not understood`);
    assertStringIncludes(error.message, "0, false, no or off");
  }
});

Deno.test("readSettings: flags over variables over defaults", () => {
  const env = envFrom({
    OWM_HOME: "/env-home",
    OWM_INDEXES: "dir:/a, https://i.example/",
    OWM_INDEX_TOKEN: "t",
    OWM_DRIVE_ROOT_URL: "http://127.0.0.1:9/",
    OWM_PORT: "9000",
    OWM_CACHE_DIR: "/c",
    OWM_LOCK: "locks/owm.lock",
    INIT_CWD: "/",
  });
  const fromEnv = readSettings({}, env);
  assertEquals(fromEnv.home, "/env-home");
  assertEquals(fromEnv.indexes, ["dir:/a", "https://i.example/"]);
  assertEquals([fromEnv.indexToken, fromEnv.driveRootUrl], ["t", "http://127.0.0.1:9/"]);
  assertEquals([fromEnv.bridgePort, fromEnv.cacheDir], [9000, "/c"]);
  assertEquals(fromEnv.lockFile, "/locks/owm.lock", "OWM_LOCK from the user's directory");
  assertEquals([fromEnv.dht, fromEnv.lsd, fromEnv.offline], [true, true, false]);
  const flagged = readSettings({
    home: "/flag-home",
    indexes: ["dir:/b"],
    bridgePort: 1,
    lockFile: "x.lock",
    dht: false,
    offline: true,
  }, env);
  assertEquals([flagged.home, flagged.indexes, flagged.bridgePort], ["/flag-home", ["dir:/b"], 1]);
  assertEquals(flagged.lockFile, "/x.lock");
  assertEquals([flagged.dht, flagged.lsd], [false, false], "offline: no DHT, no LSD");
  assertThrows(() => readSettings({}, envFrom({ OWM_PORT: "http" })), SettingError, "OWM_PORT");
  assertEquals(
    readSettings({}, envFrom({ OWM_CACHE: "off", OWM_CACHE_DIR: "/c" })).cacheDir,
    undefined,
  );
});

Deno.test("owm.lock: one rule for owm lock, owm fetch --locked and require() (the user's directory)", async () => {
  await withTempDir((tmp) => {
    const env = envFrom({ INIT_CWD: tmp });
    assertEquals(readSettings({}, env).lockFile, join(tmp, "owm.lock"));
    assertEquals(commandSettings("/s", {}, env).lockFile, join(tmp, "owm.lock"));
    assertEquals(requireSettings({}, env).lockFile, join(tmp, "owm.lock"));
    assertEquals(commandSettings("/s", { lock: "p.lock" }, env).lockFile, join(tmp, "p.lock"));
    return Promise.resolve();
  });
});

/** A stack for `settings` over a fresh store: its session options, without opening a session. */
async function sessionOf(
  tmp: string,
  settings: Settings,
): Promise<{ dht?: boolean; lsd?: boolean }> {
  const repository = await DataSourceRepository.open({ home: settings.home, create: true });
  await using stack = openStack({ settings, repository });
  assertEquals(stack.sessionOpened, false);
  assert(stack.sessionOptions.stateDir.startsWith(tmp));
  return stack.sessionOptions;
}

Deno.test("each spelling of off turns DHT and LSD off for require(), owm fetch and the bridge", async () => {
  await withTempDir(async (tmp) => {
    const home = join(tmp, "store");
    for (const off of OFF) {
      const env = envFrom({ OWM_DHT: off, OWM_LSD: off });
      // require() and the SDK
      const sdk = await sessionOf(tmp, requireSettings({ home }, env));
      assertEquals([sdk.dht, sdk.lsd], [false, false], `require, ${off}`);
      // owm fetch (its stack, as fetchCommand builds it)
      const repo = await DataSourceRepository.open({ home, create: true });
      await using cli = commandStack(repo, commandSettings(home, {}, env));
      assertEquals(
        [cli.sessionOptions.dht, cli.sessionOptions.lsd],
        [false, false],
        `fetch, ${off}`,
      );
      // the bridge
      const bridge = await sessionOf(tmp, bridgeSettings({ home }, env));
      assertEquals([bridge.dht, bridge.lsd], [false, false], `bridge, ${off}`);
    }
    for (const on of ON) {
      const env = envFrom({ OWM_DHT: on });
      assertEquals((await sessionOf(tmp, requireSettings({ home }, env))).dht, true, on);
      assertEquals(commandSettings(home, {}, env).dht, true, on);
      assertEquals(bridgeSettings({ home }, env).dht, true, on);
    }
    // A flag wins over the variable.
    assertEquals(commandSettings(home, { "no-dht": true }, envFrom({ OWM_DHT: "on" })).dht, false);
    assertEquals(bridgeSettings({ home, dht: false }, envFrom({ OWM_DHT: "1" })).dht, false);
  });
});

/** Runs `fn` with `vars` set in this process's environment, then restores them. */
async function withProcessEnv(
  vars: Record<string, string>,
  fn: () => Promise<void>,
): Promise<void> {
  const saved = Object.keys(vars).map((n) => [n, Deno.env.get(n)] as const);
  try {
    for (const [n, v] of Object.entries(vars)) Deno.env.set(n, v);
    await fn();
  } finally {
    for (const [n, v] of saved) v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
  }
}

Deno.test("from the process's environment: defaultRegistry and a live bridge open their session with OWM_DHT/OWM_LSD off", async () => {
  await withTempDir(async (tmp) => {
    for (const off of ["0", "false", "no", "off"]) {
      await withProcessEnv({ OWM_DHT: off, OWM_LSD: off }, async () => {
        const home = join(tmp, `store-${off}`);
        const repository = await DataSourceRepository.open({ home, create: true });
        await using sdk = defaultRegistry({ repository });
        assertEquals([sdk.sessionOptions.dht, sdk.sessionOptions.lsd], [false, false], off);
        // The bridge opens its session at once: the options it was opened with.
        const state = await BridgeState.open({ home, torrentPort: 0 });
        try {
          assertEquals(state.stack.sessionOptions.dht, false, `bridge, ${off}`);
          assertEquals(state.stack.sessionOptions.lsd, false, `bridge, ${off}`);
          assertEquals(state.stack.sessionOptions.stateDir, new StoreLayout(home).session);
          assert(state.stack.sessionOpened);
        } finally {
          await state.close();
        }
      });
    }
  });
});

Deno.test("the real owm refuses a variable it does not understand, naming it (exit 2)", async () => {
  await withTempDir(async (tmp) => {
    const home = join(tmp, "store");
    const magnet = `magnet:?xt=urn:btih:${"ab".repeat(20)}`;
    for (const name of ["OWM_DHT", "OWM_OFFLINE", "OWM_CACHE"]) {
      const run = await owm(["--home", home, "fetch", magnet], { env: { [name]: "maybe" } });
      assertEquals(run.code, 2, run.stderr);
      assertStringIncludes(run.stderr, `${name}=maybe is not understood`);
    }
    // Offline spelt "off" is understood: a magnet not here is an offline error, not a setting one.
    const offline = await owm(["--home", home, "fetch", magnet], { env: { OWM_OFFLINE: "yes" } });
    assertEquals(offline.code, 1, offline.stderr);
    assertStringIncludes(offline.stderr, "Offline");
  });
});
