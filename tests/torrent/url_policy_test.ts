/**
 * lib/torrent/url_policy.ts: link-local and metadata addresses (literal, in
 * odd spellings, mapped into IPv6, or behind a name that resolves there) are
 * refused unless allowed; loopback and private networks are not; schemes
 * other than the network ones are refused always. Names are resolved with an
 * injected resolver (no test DNS server is available).
 */
import {
  type AddressResolver,
  checkUrls,
  refusedAddressReason,
  RefusedUrlError,
  screenUrls,
  urlRefusal,
} from "../../lib/torrent/url_policy.ts";
import { InvalidInputError } from "../../lib/errors/invalid_input.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../_assert.ts";

Deno.test("refusedAddressReason() names link-local, metadata and unspecified addresses, and only those", () => {
  const refused = [
    "169.254.169.254",
    "169.254.0.1",
    "100.100.100.200",
    "0.0.0.0",
    "0.1.2.3",
    "fe80::1",
    "[fe80::1]",
    "FEBF:ffff::1",
    "fd00:ec2::254",
    "::",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
  ];
  for (const address of refused) assert(refusedAddressReason(address), address);
  const allowed = [
    "127.0.0.1",
    "::1",
    "[::1]",
    "10.0.0.1",
    "192.168.1.1",
    "172.16.0.1",
    "169.253.255.255",
    "169.255.0.1",
    "100.100.100.201",
    "fec0::1",
    "fd00:ec2::253",
    "::ffff:127.0.0.1",
    "2001:db8::1",
    "tracker.example.org",
  ];
  for (const address of allowed) assertEquals(refusedAddressReason(address), undefined, address);
  assertStringIncludes(refusedAddressReason("169.254.169.254")!, "169.254.0.0/16");
  assertStringIncludes(refusedAddressReason("fe80::1")!, "fe80::/10");
});

Deno.test("urlRefusal() sees through the URL spellings of an address", async () => {
  for (
    const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/",
      "http://0xa9.0xfe.0xa9.0xfe/",
      "http://0251.0376.0251.0376/",
      "udp://169.254.169.254:80",
      "http://[fe80::1]:8080/",
      "http://[::ffff:169.254.169.254]/",
      "http://[fd00:ec2::254]/",
      "http://100.100.100.200/",
      "http://0.0.0.0:6969/announce",
    ]
  ) {
    const reason = await urlRefusal(url, "tracker", { resolve: () => Promise.resolve([]) });
    assert(reason, url);
    assertStringIncludes(reason, "OWM_ALLOW_LINK_LOCAL=1");
    assertStringIncludes(reason, "--allow-link-local");
    assertEquals(await urlRefusal(url, "tracker", { allowLinkLocal: true }), undefined, url);
  }
});

Deno.test("urlRefusal() resolves names: one that resolves to a link-local address is refused", async () => {
  const asked: string[] = [];
  const resolve: AddressResolver = (name) => {
    asked.push(name);
    const table: Record<string, string[]> = {
      "metadata.example": ["169.254.169.254"],
      "mixed.example": ["203.0.113.5", "fe80::2"],
      "local.example": ["127.0.0.1", "::1"],
      "lan.example": ["192.168.0.10"],
    };
    const found = table[name];
    return found ? Promise.resolve(found) : Promise.reject(new Error(`ENOTFOUND ${name}`));
  };
  const refusal = await urlRefusal("http://metadata.example/announce", "tracker", { resolve });
  assertStringIncludes(refusal!, "metadata.example resolves to 169.254.169.254");
  assertStringIncludes(
    (await urlRefusal("https://mixed.example/seed/", "web seed", { resolve }))!,
    "resolves to fe80::2",
  );
  for (const name of ["local.example", "lan.example", "nowhere.example"]) {
    assertEquals(await urlRefusal(`http://${name}/a`, "tracker", { resolve }), undefined, name);
  }
  assertEquals(asked, [
    "metadata.example",
    "mixed.example",
    "local.example",
    "lan.example",
    "nowhere.example",
  ]);
  // Allowed: the name is not even resolved.
  assertEquals(
    await urlRefusal("http://metadata.example/", "tracker", { resolve, allowLinkLocal: true }),
    undefined,
  );
  assertEquals(asked.length, 5);
  // Literal addresses are never resolved.
  await urlRefusal("http://127.0.0.1:1/", "tracker", { resolve });
  await urlRefusal("http://[::1]:1/", "tracker", { resolve });
  assertEquals(asked.length, 5);
});

Deno.test("schemes other than the network ones are refused, allowed or not", async () => {
  for (
    const [url, kind] of [
      ["file:///etc/passwd", "web seed"],
      ["file:///etc/passwd", "tracker"],
      ["data:,x", "web seed"],
      ["ftp://example.org/", "web seed"],
      ["udp://example.org:80", "web seed"],
      ["gopher://example.org/", "tracker"],
      ["not a url", "tracker"],
    ] as const
  ) {
    const reason = await urlRefusal(url, kind, { allowLinkLocal: true });
    assert(reason && !reason.includes("allow-link-local"), `${url} as ${kind}: ${reason}`);
  }
});

Deno.test("checkUrls() throws RefusedUrlError (an InvalidInputError, 422) naming the URL", async () => {
  await checkUrls(["http://127.0.0.1:6969/announce", "udp://[::1]:6969"], "tracker");
  const error = await assertRejects(
    () => checkUrls(["http://127.0.0.1/", "http://[fe80::1]/x"], "web seed"),
    RefusedUrlError,
    '"http://[fe80::1]/x"',
  );
  assert(error instanceof InvalidInputError);
  assertEquals([error.status, error.code, error.url, error.kind], [
    422,
    "refused-url",
    "http://[fe80::1]/x",
    "web seed",
  ]);
});

Deno.test("screenUrls() keeps the good URLs in order and warns once per dropped one", async () => {
  const { kept, warnings } = await screenUrls(
    [
      "http://127.0.0.1:6969/announce",
      "http://169.254.169.254/announce",
      "file:///etc/passwd",
      "udp://127.0.0.1:6969",
    ],
    "tracker",
    { resolve: () => Promise.resolve([]) },
  );
  assertEquals(kept, ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"]);
  assertEquals(warnings.length, 2);
  assertStringIncludes(warnings[0]!, '"http://169.254.169.254/announce"');
  assertStringIncludes(warnings[1]!, '"file:///etc/passwd"');
});
