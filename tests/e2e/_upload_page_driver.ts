/**
 * Drives the upload page in Debian's chromium through playwright-core, as a
 * person would, and prints what it saw as one JSON line. Run by
 * upload_page_test.ts in its own process with `--allow-all`: playwright-core
 * probes `/proc` at import, which Deno allows only with all permissions.
 *
 * Usage: `deno run -A _upload_page_driver.ts <json {url, token, zip, screenshot}>`
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { chromium } from "playwright-core";

/** What the test gives the driver. */
export interface DriverInput {
  /** The bridge's base URL. */
  url: string;
  /** The bridge token to log in with. */
  token: string;
  /** Path of the zip to upload. */
  zip: string;
  /** Where to write a full-page screenshot. */
  screenshot: string;
  /** The browser to drive. @default /usr/bin/chromium */
  chromium?: string;
  /**
   * Further uploads after the first, each filled in and sent as a person
   * would, with a screenshot after the answer. @default none
   */
  more?: UploadInput[];
}

/** One more upload: the form's values. */
export interface UploadInput {
  /** Path of the zip to upload (named connectome.zip on the page). */
  zip: string;
  /** The Key box. */
  key: string;
  /** The Title box. */
  title?: string;
  /** The Licence box. */
  license?: string;
  /** The Citation box. */
  citation?: string;
  /** The Other fields box (`name=value` lines). */
  fields?: string;
  /** Tick Replace. */
  replace?: boolean;
  /** Where to write a full-page screenshot after the answer. */
  screenshot: string;
}

/** What one more upload showed. */
export interface UploadSeen {
  /** The alert region's text (an error, or empty). */
  alert: string;
  /** The DataSource id shown in the result, when the result is shown. */
  id: string | null;
  /** Whether the result section is shown. */
  published: boolean;
  /** The status region's text. */
  status: string | null;
}

/** What the driver saw. */
export interface DriverReport {
  /** The page title. */
  title: string;
  /** Whether the served HTML held the token. */
  pageHasToken: boolean;
  /** The alert region's text after logging in with a wrong token. */
  wrongTokenAlert: string;
  /** The token in sessionStorage after logging in. */
  storedToken: string | null;
  /** Whether the page URL held the token at any point checked. */
  urlHasToken: boolean;
  /** The magnet link's text. */
  magnet: string;
  /** The magnet link's href. */
  href: string | null;
  /** The DataSource id shown. */
  id: string | null;
  /** The status region's text at the end. */
  status: string | null;
  /** The progress bar's value at the end. */
  progress: string | null;
  /** The alert region's text at the end. */
  alert: string;
  /** Script errors and console errors. */
  problems: string[];
  /** What each of `more` showed. */
  more: UploadSeen[];
}

const CHROMIUM = "/usr/bin/chromium";

async function drive(input: DriverInput): Promise<DriverReport> {
  const browser = await chromium.launch({
    executablePath: input.chromium ?? CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (m) => {
      // The wrong-token login is expected to log its 401 as a failed resource.
      if (m.type() === "error" && !m.text().includes("401")) problems.push(m.text());
    });
    await page.goto(`${input.url}/`);
    const title = await page.title();
    const pageHasToken = (await page.content()).includes(input.token);

    const tokenBox = page.getByLabel("Bridge token", { exact: true });
    const logIn = page.getByRole("button", { name: "Log in" });
    await tokenBox.fill("not-the-token");
    await logIn.click();
    const alert = page.getByRole("alert");
    await alert.filter({ hasText: /\S/ }).waitFor();
    const wrongTokenAlert = (await alert.textContent()) ?? "";

    await tokenBox.fill(input.token);
    await logIn.click();
    const files = page.getByLabel("Files or a .zip", { exact: true });
    await files.waitFor();
    const storedToken = await page.evaluate(() => sessionStorage.getItem("owm-bridge-token"));
    let urlHasToken = page.url().includes(input.token);

    await files.setInputFiles({
      name: "connectome.zip",
      mimeType: "application/zip",
      buffer: Buffer.from(await Deno.readFile(input.zip)),
    });
    await page.getByLabel("Class", { exact: true }).selectOption("CSVDataSource");
    await page.getByLabel("Key", { exact: true }).fill("browser-upload");
    await page.getByLabel("Description", { exact: true }).fill("Uploaded from the page test");
    await page.getByRole("button", { name: "Upload and publish" }).click();

    const link = page.locator("#result-magnet");
    await link.filter({ hasText: /^magnet:/ }).or(alert.filter({ hasText: /\S/ })).first()
      .waitFor({ timeout: 60_000 });
    urlHasToken ||= page.url().includes(input.token);
    const report: DriverReport = {
      title,
      pageHasToken,
      wrongTokenAlert,
      storedToken,
      urlHasToken,
      magnet: (await link.textContent()) ?? "",
      href: await link.getAttribute("href"),
      id: await page.locator("#result-id").textContent(),
      status: await page.getByRole("status").textContent(),
      progress: await page.locator("#progress").evaluate((p) => String(Reflect.get(p, "value"))),
      alert: (await alert.textContent()) ?? "",
      problems,
      more: [],
    };
    await page.screenshot({ path: input.screenshot, fullPage: true });
    for (const upload of input.more ?? []) {
      await files.setInputFiles({
        name: "connectome.zip",
        mimeType: "application/zip",
        buffer: Buffer.from(await Deno.readFile(upload.zip)),
      });
      await page.getByLabel("Class", { exact: true }).selectOption("CSVDataSource");
      await page.getByLabel("Key", { exact: true }).fill(upload.key);
      await page.getByLabel("Title", { exact: true }).fill(upload.title ?? "");
      await page.getByLabel("Licence", { exact: true }).fill(upload.license ?? "");
      await page.getByLabel("Citation", { exact: true }).fill(upload.citation ?? "");
      await page.getByLabel("Other fields", { exact: true }).fill(upload.fields ?? "");
      await page.getByLabel("Replace", { exact: true }).setChecked(upload.replace ?? false);
      await page.getByRole("button", { name: "Upload and publish" }).click();
      // The answer: the result section shown again, or an error in the alert region.
      await page.locator("#result-section:not([hidden])").or(alert.filter({ hasText: /\S/ }))
        .first().waitFor({ timeout: 60_000 });
      await page.getByRole("button", { name: "Upload and publish" }).and(
        page.locator(":enabled"),
      ).waitFor();
      const published = await page.locator("#result-section").evaluate((e) =>
        !Reflect.get(e, "hidden")
      );
      report.more.push({
        alert: (await alert.textContent()) ?? "",
        id: published ? await page.locator("#result-id").textContent() : null,
        published,
        status: await page.getByRole("status").textContent(),
      });
      await page.screenshot({ path: upload.screenshot, fullPage: true });
    }
    return report;
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const input = JSON.parse(Deno.args[0] ?? "{}") as DriverInput;
  console.log(JSON.stringify(await drive(input)));
}
