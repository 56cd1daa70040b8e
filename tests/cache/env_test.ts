/**
 * Where the shared cache is and whether offline mode is on, from the
 * environment: OWM_CACHE_DIR, XDG_CACHE_HOME, HOME, OWM_CACHE=0,
 * OWM_CACHE_LINK and OWM_OFFLINE.
 */
import { join, resolve } from "node:path";
import { ContentCache } from "../../lib/cache/content_cache.ts";
import { cacheModeFromEnv, defaultCacheDir, offlineFromEnv } from "../../lib/cache/env.ts";
import { SettingError } from "../../lib/settings/errors.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../_assert.ts";

const NAMES = [
  "OWM_CACHE",
  "OWM_CACHE_DIR",
  "OWM_CACHE_LINK",
  "XDG_CACHE_HOME",
  "HOME",
  "USERPROFILE",
  "OWM_OFFLINE",
];

/** Runs `fn` with exactly `vars` among NAMES set, then restores them. */
function withEnv(vars: Record<string, string>, fn: () => void): void {
  const saved = new Map(NAMES.map((n) => [n, Deno.env.get(n)]));
  try {
    for (const n of NAMES) Deno.env.delete(n);
    for (const [n, v] of Object.entries(vars)) Deno.env.set(n, v);
    fn();
  } finally {
    for (const [n, v] of saved) v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
  }
}

Deno.test("the cache is OWM_CACHE_DIR, else $XDG_CACHE_HOME/owmeta-torrent, else ~/.cache/owmeta-torrent", () => {
  withEnv({ OWM_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" }, () => {
    assertEquals(defaultCacheDir(), "/c");
  });
  withEnv({ OWM_CACHE_DIR: "rel/cache", HOME: "/h" }, () => {
    assertEquals(defaultCacheDir(), resolve("rel/cache"), "taken from the working directory");
  });
  withEnv({ XDG_CACHE_HOME: "/x", HOME: "/h" }, () => {
    assertEquals(defaultCacheDir(), join("/x", "owmeta-torrent"));
  });
  withEnv({ XDG_CACHE_HOME: "relative", HOME: "/h" }, () => {
    assertEquals(defaultCacheDir(), join("/h", ".cache", "owmeta-torrent"), "XDG says: ignore");
  });
  withEnv({ HOME: "/h" }, () => {
    assertEquals(defaultCacheDir(), join("/h", ".cache", "owmeta-torrent"));
    assertEquals(ContentCache.fromEnv()?.dir, join("/h", ".cache", "owmeta-torrent"));
  });
  withEnv({}, () => assertEquals(defaultCacheDir(), undefined, "nowhere to put it: off"));
});

Deno.test("OWM_CACHE=0 (or false/no/off) turns the cache off; OWM_CACHE_LINK: clone by default, hardlink only by name", () => {
  for (const off of ["0", "false", "no", "off", "OFF"]) {
    withEnv({ OWM_CACHE: off, OWM_CACHE_DIR: "/c" }, () => {
      assertEquals(defaultCacheDir(), undefined, off);
      assertEquals(ContentCache.fromEnv(), undefined, off);
    });
  }
  withEnv({ OWM_CACHE: "1", OWM_CACHE_DIR: "/c" }, () => assertEquals(defaultCacheDir(), "/c"));
  withEnv({ OWM_CACHE_DIR: "/c" }, () => {
    assertEquals(cacheModeFromEnv(), "clone");
    assertEquals(ContentCache.fromEnv()?.mode, "clone");
  });
  for (const [value, mode] of [["clone", "clone"], ["copy", "copy"], ["HardLink", "hardlink"]]) {
    withEnv({ OWM_CACHE_DIR: "/c", OWM_CACHE_LINK: value! }, () => {
      assertEquals(ContentCache.fromEnv()?.mode, mode, value);
    });
  }
  for (const off of ["0", "false", "no", "off"]) {
    withEnv({ OWM_CACHE_DIR: "/c", OWM_CACHE_LINK: off }, () => {
      assertEquals(ContentCache.fromEnv()?.mode, "clone", `${off}: no hard links`);
    });
  }
  // Hard links are an explicit opt-in: an on spelling (once the default) does not take them.
  for (const on of ["1", "true", "yes", "on", "maybe"]) {
    withEnv({ OWM_CACHE_DIR: "/c", OWM_CACHE_LINK: on }, () => {
      const error = assertThrows(() => cacheModeFromEnv(), SettingError);
      assertEquals([error.setting, error.value], ["OWM_CACHE_LINK", on]);
      assertStringIncludes(error.message, "hardlink (shared files");
    });
  }
});

Deno.test("OWM_OFFLINE=1, true or yes is offline; unset, empty, 0, false or no is not", () => {
  for (const on of ["1", "true", "yes", "YES", "on"]) {
    withEnv({ OWM_OFFLINE: on }, () => assertEquals(offlineFromEnv(), true, on));
  }
  for (const off of ["0", "false", "no", "off", ""]) {
    withEnv({ OWM_OFFLINE: off }, () => assertEquals(offlineFromEnv(), false, off));
  }
  withEnv({}, () => assertEquals(offlineFromEnv(), false));
});
