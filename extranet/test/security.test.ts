import { createHmac } from 'node:crypto';
import { clientAddress } from '@maillage/platform/client-address';
import { launchChromium } from '@maillage/scripts/testing/chromium';
import { postChunked } from '@maillage/scripts/testing/chunked';
import type { Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipKey } from '../src/features/auth/throttle.service.ts';
import { safeNext } from '../src/lib/guard.ts';
import { Browser } from './support/browser.ts';
import {
  BACKENDS,
  DEMO_PASSWORD,
  type RunningServer,
  startServer,
  WEBHOOK_SECRET,
} from './support/server.ts';

const ADVISOR = 'conseiller@maillage.test';

describe('where sign-in goes back to', () => {
  it('keeps local paths and refuses every way out of the extranet', () => {
    expect(safeNext('/demandes/12?onglet=notes#fin')).toBe('/demandes/12?onglet=notes#fin');
    for (const bad of [
      null,
      '',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/%09/evil.example/',
      '/\t/evil.example/',
      '/%5Cevil.example',
      '/%0d%0aSet-Cookie:x=1',
      '/%E0%A4%A',
      'javascript:alert(1)',
    ]) {
      expect(safeNext(bad), String(bad)).toBe('/');
    }
  });
});

describe('the client address behind trusted proxies', () => {
  const at = (forwardedFor: string | null, trustedProxies: number) =>
    clientAddress({ forwardedFor, socketAddress: '10.0.0.2', trustedProxies });

  it('takes the right-most hop our proxies did not add, never the left-most', () => {
    expect(at('198.51.100.1, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(at('198.51.100.77, 203.0.113.9', 1)).toBe('203.0.113.9');
    expect(at('198.51.100.1, 203.0.113.9, 10.0.0.1', 2)).toBe('203.0.113.9');
    expect(at('203.0.113.9', 1)).toBe('203.0.113.9');
  });

  it('ignores the header without trusted proxies, and garbage in the chosen hop', () => {
    expect(at('198.51.100.1', 0)).toBe('10.0.0.2');
    expect(at(null, 1)).toBe('10.0.0.2');
    expect(at('', 1)).toBe('10.0.0.2');
    expect(at('198.51.100.1, not-an-ip', 1)).toBe('10.0.0.2');
    // More proxies configured than hops: the left-most hop was still written by one of ours.
    expect(at('203.0.113.9', 3)).toBe('203.0.113.9');
    expect(at('2001:db8::1, 2001:db8:5::7', 1)).toBe('2001:db8:5::7');
  });
});

describe('the built extranet in Chromium', () => {
  let server: RunningServer;
  let chromium: Chromium;

  beforeAll(async () => {
    // One proxy of ours in front (TRUST_PROXY is what main read: setting it shows the old behaviour).
    server = await startServer('sqlite', { TRUSTED_PROXIES: '1', TRUST_PROXY: 'true' });
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('stays on the extranet after a real sign-in with suivant=/%09/evil.example/', async () => {
    const context = await chromium.newContext({ locale: 'fr-FR' });
    const elsewhere: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url) return route.continue();
      elsewhere.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/connexion?suivant=/%09/evil.example/`);
    await page.fill('#email', ADVISOR);
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
    await page.waitForURL((url) => url.pathname !== '/connexion', { timeout: 10_000 }).catch(() => {});
    expect(elsewhere).toEqual([]);
    expect(new URL(page.url()).origin).toBe(server.url);
    expect(new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('serves its pages with a strict CSP and no violation in Chromium, framed by no one', async () => {
    const context = await chromium.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(`${page.url()} ${m.text()}`);
    });
    page.on('pageerror', (e) => violations.push(`${page.url()} ${e.message}`));
    await page.goto(`${server.url}/connexion`);
    await page.fill('#email', 'admin@maillage.test');
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('button[type=submit]')]);
    for (const path of [
      '/',
      '/ma-journee',
      '/demandes',
      '/a-appeler',
      '/admin/comptes',
      '/admin/journal',
      '/courriels',
      '/compte/securite',
      '/page-qui-n-existe-pas',
    ]) {
      const res = await page.goto(`${server.url}${path}`);
      const csp = (await res?.headerValue('content-security-policy')) ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(await res?.headerValue('permissions-policy'), path).toContain('geolocation=()');
      // The stylesheet applied: the CSP let it through.
      expect(await page.evaluate(() => document.styleSheets.length), path).toBeGreaterThan(0);
    }
    // Over plain http, no HSTS (production.test.ts checks it over https).
    expect(
      await (await page.goto(`${server.url}/demandes`))?.headerValue('strict-transport-security'),
    ).toBeNull();
    // The two-factor set-up page (its long link used an inline style) shows without a violation.
    await page.goto(`${server.url}/compte/securite`);
    await page.fill('#password', DEMO_PASSWORD);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Activer la double authentification' }).click(),
    ]);
    await expect.poll(() => page.locator('code.break-all').count()).toBe(1);
    // A page that tries to frame the extranet gets nothing.
    const framing = await context.newPage();
    await framing.route('http://framer.test/', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<iframe src="${server.url}/connexion"></iframe>` }),
    );
    await framing.goto('http://framer.test/');
    await framing.waitForTimeout(500);
    const framed = framing.frames().find((f) => f.url().startsWith(server.url));
    expect(
      await framed
        ?.locator('#email')
        .count()
        .catch(() => 0),
    ).not.toBe(1);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('answers 413 to a 8 MB chunked body without reading it, and closes the connection', async () => {
    for (const path of ['/api/cms-webhook', '/connexion', '/api/intake/registrations']) {
      const outcome = await postChunked(server.url, path, {
        total: 8 * 1024 * 1024,
        headers: {
          'content-type': path === '/connexion' ? 'application/x-www-form-urlencoded' : 'application/json',
        },
      });
      expect(outcome.status, path).toBe(413);
      expect(outcome.closed, path).toBe(true);
      // The server stopped listening long before the end (socket buffers hold a few hundred KB).
      expect(outcome.sent, path).toBeLessThan(4 * 1024 * 1024);
    }
    const page = await postChunked(server.url, '/connexion', {
      total: 1024 * 1024,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(page.answer).toContain('Requête trop volumineuse');
  });

  it('answers 413 to a declared Content-Length over 64 KB, and still takes small chunked bodies', async () => {
    const big = await fetch(`${server.url}/connexion`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: `email=a%40b.fr&password=${'x'.repeat(70 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('Requête trop volumineuse');
    const body = JSON.stringify({ event: 'entry.update', model: 'page' });
    const timestamp = String(Date.now());
    const small = await fetch(`${server.url}/api/cms-webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-maillage-timestamp': timestamp,
        'x-maillage-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`,
      },
      body: new Blob([body]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(small.status).toBe(200);
  });

  it('counts sign-in failures against the real client even when the left-most X-Forwarded-For rotates', async () => {
    const client = '203.0.113.9';
    for (let i = 0; i < 4; i++) {
      const res = await new Browser(server.url).post(
        '/connexion?_action=auth.signIn',
        { email: `inconnu${i}@maillage.test`, password: 'mauvais mot de passe !', suivant: '/demandes' },
        { headers: { 'x-forwarded-for': `198.51.100.${i + 1}, ${client}` } },
      );
      expect(res.status).toBe(401);
    }
    const rows = await server.db.db.selectFrom('login_throttle').select(['key', 'failures']).execute();
    expect(rows.find((r) => r.key === ipKey(client))?.failures).toBe(4);
    expect(rows.filter((r) => r.key.startsWith('ip:198.51.100.'))).toEqual([]);
  });
});

describe.each(BACKENDS)('CMS webhook on %s', (backend) => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(backend);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const send = (timestamp: string, body: string) =>
    fetch(`${server.url}/api/cms-webhook`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-maillage-timestamp': timestamp,
        'x-maillage-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${body}`).digest('hex')}`,
      },
    });

  it('accepts a signed notice once and refuses its replay within the 5 minutes', async () => {
    const body = JSON.stringify({ event: 'entry.update', model: 'story', documentId: 'abc' });
    const timestamp = String(Date.now());
    expect((await send(timestamp, body)).status).toBe(200);
    const replay = await send(timestamp, body);
    expect(replay.status).toBe(409);
    // A new notice (new timestamp, new signature) is accepted.
    expect((await send(String(Date.now() + 1), body)).status).toBe(200);
  });

  it('forgets signatures once they have expired', async () => {
    const old = new Date(Date.now() - 60_000).toISOString();
    await server.db.db
      .insertInto('webhook_seen')
      .values({ signature: 'sha256=old', expires_at: old })
      .execute();
    const body = JSON.stringify({ event: 'entry.update', model: 'page' });
    expect((await send(String(Date.now()), body)).status).toBe(200);
    const left = await server.db.db.selectFrom('webhook_seen').select('signature').execute();
    expect(left.map((r) => r.signature)).not.toContain('sha256=old');
  });
});
