/**
 * Drives the bridge's page in Debian's chromium through playwright-core, as
 * a person would, for its list of what the bridge holds: log in, read the
 * rows, verify, pause, resume and remove, watch a dataset published through
 * the API appear without reloading, type a key that breaks the rule, upload
 * with a good one; screenshots at 1280 and 390 px wide. Prints what it saw as
 * one JSON line. Run by bridge_page_test.ts in its own process with
 * `--allow-all` (playwright-core probes `/proc` at import).
 *
 * Usage: `deno run -A _bridge_page_driver.ts <json DriverInput>`
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { chromium, type Locator, type Page } from "playwright-core";

/** What the test gives the driver. */
export interface DriverInput {
  /** The bridge's base URL. */
  url: string;
  /** The bridge token to log in with. */
  token: string;
  /** The browser. */
  chromium: string;
  /** A zip to upload through the page. */
  zip: string;
  /** The id of a DataSource published (and seeded) before the page opens. */
  seeded: string;
  /** A path under the publish root that the driver publishes through the API while the page is open. */
  publishLater: { path: string; class: string; key: string };
  /** Where to write the screenshots, `wide` at 1280 px and `narrow` at 390 px. */
  screenshots: { wide: string; narrow: string };
}

/** One row of the list as the page shows it. */
export interface RowSeen {
  name: string;
  state: string;
  size: string;
  progress: string;
  peers: string;
  rates: string;
  verified: string;
  /** The visible buttons' accessible names. */
  buttons: string[];
}

/** What the driver saw. */
export interface DriverReport {
  /** The page's HTML holds the token. */
  pageHasToken: boolean;
  /** The seeded row when the list first shows it seeding. */
  first: RowSeen;
  /** The same row after Verify. */
  afterVerify: RowSeen;
  /** The row of the dataset published through the API while the page was open. */
  appeared: RowSeen;
  /** The Key box's rule text (its hint). */
  keyHint: string;
  /** The message under the Key box for a key that breaks the rule. */
  keyError: string;
  /** The Key box's aria-invalid then. */
  keyInvalid: string | null;
  /** The alert after trying to upload with that key. */
  badKeyAlert: string;
  /** Whether the result section was shown after that try. */
  badKeyPublished: boolean;
  /** The message under the Key box once the key is fixed. */
  keyErrorAfterFix: string;
  /** The id shown after uploading with a good key, and its row. */
  uploadedId: string | null;
  uploadedRow: RowSeen;
  /** The seeded row after Pause, then after Resume. */
  paused: RowSeen;
  resumed: RowSeen;
  /** The published-later row after Remove. */
  removed: RowSeen;
  /** The status region after Remove. */
  status: string | null;
  /** Widths: the document's scroll width and the table's right edge, at 1280 and 390 px. */
  layout: { width: number; scrollWidth: number; tableRight: number }[];
  /** Script errors and console errors. */
  problems: string[];
}

function rowOf(page: Page, id: string): Locator {
  return page.locator(`#holdings-body tr[data-key="ds:${id}"]`);
}

async function read(row: Locator): Promise<RowSeen> {
  const text = async (label: string) =>
    ((await row.locator(`td[data-label="${label}"]`).textContent()) ?? "").trim();
  const buttons = await row.locator("button:visible").evaluateAll((all) =>
    all.map((b) => b.getAttribute("aria-label") ?? "")
  );
  return {
    name: await text("DataSource"),
    state: await text("State"),
    size: await text("Size"),
    progress: await text("Progress"),
    peers: await text("Peers"),
    rates: await text("Rates"),
    verified: await text("Verified"),
    buttons,
  };
}

async function layout(page: Page, width: number) {
  await page.setViewportSize({ width, height: 900 });
  // Runs in the page: its globals through Reflect (this file is type-checked without the DOM library).
  return await page.locator("#holdings").evaluate((table) => {
    const root = Reflect.get(Reflect.get(globalThis, "document"), "documentElement");
    return {
      width: Number(Reflect.get(globalThis, "innerWidth")),
      scrollWidth: Number(Reflect.get(root, "scrollWidth")),
      tableRight: Number(table.getBoundingClientRect().right),
    };
  });
}

async function drive(input: DriverInput): Promise<DriverReport> {
  const browser = await chromium.launch({
    executablePath: input.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("dialog", (dialog) => dialog.accept());
    await page.goto(`${input.url}/`);
    const pageHasToken = (await page.content()).includes(input.token);
    await page.getByLabel("Bridge token", { exact: true }).fill(input.token);
    await page.getByRole("button", { name: "Log in" }).click();

    const seeded = rowOf(page, input.seeded);
    const stateOf = (row: Locator) => row.locator('td[data-label="State"]');
    await stateOf(seeded).filter({ hasText: /^Seeding$/ }).waitFor({ timeout: 60_000 });
    const first = await read(seeded);

    await page.getByRole("button", { name: `Verify ${input.seeded}`, exact: true }).click();
    await seeded.locator('td[data-label="Verified"]').filter({ hasText: /^Verified$/ }).waitFor();
    const afterVerify = await read(seeded);

    // Published by someone else while the page is open: the list shows it without a reload.
    const later = `${input.publishLater.class}:${input.publishLater.key}`;
    const published = await fetch(`${input.url}/api/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${input.token}`, "content-type": "application/json" },
      body: JSON.stringify(input.publishLater),
    });
    if (published.status !== 201) throw new Error(`publish: ${await published.text()}`);
    await stateOf(rowOf(page, later)).filter({ hasText: /^Seeding$/ }).waitFor({
      timeout: 60_000,
    });
    const appeared = await read(rowOf(page, later));

    // A key that breaks the rule: said as it is typed, and never sent.
    const keyBox = page.getByLabel("Key", { exact: true });
    await page.getByLabel("Files or a .zip", { exact: true }).setInputFiles({
      name: "connectome.zip",
      mimeType: "application/zip",
      buffer: Buffer.from(await Deno.readFile(input.zip)),
    });
    await page.getByLabel("Class", { exact: true }).selectOption("CSVDataSource");
    await keyBox.pressSequentially("bad/key with space");
    const keyError = (await page.locator("#key-error").textContent()) ?? "";
    const keyInvalid = await keyBox.getAttribute("aria-invalid");
    const keyHint = (await page.locator("#key-help").textContent()) ?? "";
    await page.getByRole("button", { name: "Upload and publish" }).click();
    const alert = page.getByRole("alert");
    await alert.filter({ hasText: /\S/ }).waitFor();
    const badKeyAlert = (await alert.textContent()) ?? "";
    const badKeyPublished = await page.locator("#result-section").isVisible();

    await keyBox.fill("from-page");
    const keyErrorAfterFix = (await page.locator("#key-error").textContent()) ?? "";
    await page.getByRole("button", { name: "Upload and publish" }).click();
    await page.locator("#result-magnet").filter({ hasText: /^magnet:/ }).or(
      alert.filter({ hasText: /\S/ }),
    ).first().waitFor({ timeout: 60_000 });
    const uploadedId = await page.locator("#result-id").textContent();
    const uploaded = rowOf(page, "CSVDataSource:from-page");
    await stateOf(uploaded).filter({ hasText: /^Seeding$/ }).waitFor({ timeout: 60_000 });
    const uploadedRow = await read(uploaded);

    await page.getByRole("button", { name: `Pause ${input.seeded}`, exact: true }).click();
    await stateOf(seeded).filter({ hasText: /^Paused$/ }).waitFor();
    const paused = await read(seeded);
    await page.getByRole("button", { name: `Resume ${input.seeded}`, exact: true }).click();
    await stateOf(seeded).filter({ hasNotText: /^Paused$/ }).waitFor();
    const resumed = await read(seeded);

    await page.getByRole("button", { name: `Remove ${later}`, exact: true }).click();
    await stateOf(rowOf(page, later)).filter({ hasText: /^Not shared$/ }).waitFor();
    const removed = await read(rowOf(page, later));
    const status = await page.getByRole("status").first().textContent();

    await page.locator("#holdings-heading").scrollIntoViewIfNeeded();
    const wide = await layout(page, 1280);
    await page.screenshot({ path: input.screenshots.wide, fullPage: true });
    const narrow = await layout(page, 390);
    await page.screenshot({ path: input.screenshots.narrow, fullPage: true });
    return {
      pageHasToken,
      first,
      afterVerify,
      appeared,
      keyHint,
      keyError,
      keyInvalid,
      badKeyAlert,
      badKeyPublished,
      keyErrorAfterFix,
      uploadedId,
      uploadedRow,
      paused,
      resumed,
      removed,
      status,
      layout: [wide, narrow],
      problems,
    };
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const input = JSON.parse(Deno.args[0] ?? "{}") as DriverInput;
  console.log(JSON.stringify(await drive(input)));
}
