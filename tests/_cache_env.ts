/**
 * Keeps the test suite out of the user's shared content cache
 * (`~/.cache/owmeta-torrent`, or wherever `OWM_CACHE_DIR` points): this test
 * process, and every CLI or bridge it starts (they inherit the variable
 * through `shellEnv()`), runs with the cache off (`OWM_CACHE=0`), so no test
 * writes to it and no test is served content another test left there. Tests
 * of the cache turn it on explicitly, each with a temporary cache of its own
 * (`OWM_CACHE=1` with `OWM_CACHE_DIR`, or a `ContentCache` passed to the
 * loader). Imported for its effect by `tests/_env.ts` and
 * `tests/torrent/_fixtures.ts`, which every test that fetches imports.
 *
 * @module
 */

Deno.env.set("OWM_CACHE", "0");
