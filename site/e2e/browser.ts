import { launchChromium } from '@maillage/scripts/testing/chromium';
import type { Browser } from 'playwright-core';

/** The machine's Chromium (see scripts/testing/chromium.ts). */
export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await launchChromium();
  return { browser, close: () => browser.close() };
}

/** A phone-sized context, JavaScript on or off. */
export { phoneContext as phone } from '@maillage/scripts/testing/chromium';
