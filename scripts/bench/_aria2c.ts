/**
 * aria2c as the benchmarks run it: no DHT, no local discovery, no peer
 * exchange (only the loopback tracker and the peers it names), quiet, no
 * preallocation.
 *
 * @module
 */

/** Flags every benchmark passes to aria2c, before its own. */
export const ARIA2C_FLAGS: readonly string[] = [
  "--enable-dht=false",
  "--enable-dht6=false",
  "--bt-enable-lpd=false",
  "--enable-peer-exchange=false",
  "--summary-interval=0",
  "--console-log-level=warn",
  "--file-allocation=none",
];
