import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/testing/chromium.ts';

/** The machine's Chromium (see scripts/testing/chromium.ts). */
export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await launchChromium();
  return { browser, close: () => browser.close() };
}

/** A phone-sized context, JavaScript on or off. */
export { phoneContext as phone } from '../../scripts/testing/chromium.ts';
