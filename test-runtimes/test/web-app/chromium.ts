// Debian's Chromium (headless, through playwright-core) for the example app's browser tests: whether
// to skip, how to launch it, and where screenshots go.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Without Chromium the tests skip locally, but under CI they run (and fail at launch). */
export const skipWithoutChromium: string | false =
  existsSync(CHROMIUM) || process.env["CI"] === "true"
    ? false
    : `Chromium not found at ${CHROMIUM}: apt-get install chromium`;

/** Where the browser tests save their screenshots (made on first use). */
export function screenshotDir(): string {
  const dir = join(process.cwd(), "test-output", "web-app");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
