/**
 * Opens an HTML file of notebook views in Debian's chromium (playwright-core)
 * at a given width and reports, for each table, its right edge; for each
 * abbreviated hash, its text, title, what selecting it copies and its width;
 * and saves a screenshot. Prints one JSON line. Run by notebook_tables_test.ts
 * in its own process with `--allow-all` (playwright-core probes `/proc`).
 *
 * Usage: `deno run -A _notebook_tables_driver.ts <json DriverInput>`
 *
 * @module
 */
import { chromium } from "playwright-core";

/** What the test gives the driver. */
export interface DriverInput {
  /** The HTML file to open. */
  file: string;
  /** The window's width in CSS pixels. */
  width: number;
  /** The browser. */
  chromium: string;
  /** Where to write a full-page screenshot. */
  screenshot: string;
}

/** One abbreviated hash as the page shows it. */
export interface HashSeen {
  /** Its text in the DOM. */
  text: string;
  /** Its title (the tooltip on hover). */
  title: string;
  /** What selecting it and copying gives. */
  copied: string;
  /** What is drawn (the text as laid out, with the ellipsis). */
  width: number;
}

/** What the driver saw. */
export interface DriverReport {
  /** Each table's class and right edge, in document order. */
  tables: { class: string; right: number }[];
  /** The document's scroll width. */
  scrollWidth: number;
  /** Each `.owm-hash` element. */
  hashes: HashSeen[];
  /** The right edge of the verify table's last header cell (Result). */
  resultRight: number;
}

async function drive(input: DriverInput): Promise<DriverReport> {
  const browser = await chromium.launch({
    executablePath: input.chromium,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: input.width, height: 900 } });
    await page.goto(`file://${input.file}`);
    const tables = await page.locator("table").evaluateAll((all) =>
      all.map((t) => ({ class: t.className, right: t.getBoundingClientRect().right }))
    );
    const hashes: HashSeen[] = [];
    for (const hash of await page.locator(".owm-hash").all()) {
      hashes.push(
        await hash.evaluate((e) => {
          // In the page: select the element's contents as a person would, read the selection.
          const doc = Reflect.get(globalThis, "document");
          const range = doc.createRange();
          range.selectNodeContents(e);
          const selection = Reflect.get(globalThis, "getSelection")();
          selection.removeAllRanges();
          selection.addRange(range);
          const copied = String(selection.toString());
          selection.removeAllRanges();
          return {
            text: e.textContent ?? "",
            title: e.getAttribute("title") ?? "",
            copied,
            width: e.getBoundingClientRect().width,
          };
        }),
      );
    }
    const resultRight = await page.locator("table.owm-verify thead th").last().evaluate((e) =>
      e.getBoundingClientRect().right
    );
    const scrollWidth = await page.locator("html").evaluate((e) => e.scrollWidth);
    await page.screenshot({ path: input.screenshot, fullPage: true });
    return { tables, scrollWidth, hashes, resultRight };
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const input = JSON.parse(Deno.args[0] ?? "{}") as DriverInput;
  console.log(JSON.stringify(await drive(input)));
}
