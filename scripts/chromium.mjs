// The one way this project starts headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): the views' browser tests, the report tests and the real-VS-Code runners.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** No sandbox (root), no GPU, and none of Chromium's own network traffic (the machine is offline). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh browser; playwright gives every non-persistent launch its own fresh profile folder. */
export function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
