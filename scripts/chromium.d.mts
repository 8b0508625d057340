import type { Browser } from "playwright-core";

export declare const CHROMIUM: string;
export declare const CHROMIUM_ARGS: readonly string[];
/** A fresh headless Chromium; throws naming the missing binary when it is not installed. */
export declare function launchChromium(): Promise<Browser>;
