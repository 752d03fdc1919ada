import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../../scripts/testing/chromium.ts';

/** The machine's Chromium (see scripts/testing/chromium.ts). */
export async function launch(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const browser = await launchChromium();
  return { browser, close: () => browser.close() };
}

/** A phone-sized context, JavaScript on or off. */
export function phone(
  browser: Browser,
  opts: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    bypassCSP: opts.bypassCSP ?? false,
  });
}
