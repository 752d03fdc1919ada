import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
// The CMS's demo personal-data page, as seeded: its retention sentence uses the placeholder.
import { PAGES } from '../../cms/src/bootstrap/seed-content.ts';
import { renderBlocks } from '../src/lib/cms/blocks.ts';
import type { Blocks } from '../src/lib/cms/schemas.ts';
import {
  createRetentionClient,
  DEFAULT_RETENTION_LABEL,
  fillRetention,
  RETENTION_PLACEHOLDER,
} from '../src/lib/retention.ts';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** A stand-in for the extranet's /api/public/retention answering `body` (counts the calls). */
async function extranet(body: () => unknown, status = 200): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  server = createServer((req, res) => {
    calls++;
    expect(req.url).toBe('/api/public/retention');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body()));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, calls: () => calls };
}

describe('the retention period on the personal-data page', () => {
  it('shows the figure the extranet has, in place of the placeholder of the CMS text', async () => {
    const page = PAGES.find((p) => p.slug === 'donnees-personnelles');
    const html = renderBlocks(page?.body as Blocks);
    expect(html).toContain(RETENTION_PLACEHOLDER);
    let months = 24;
    const api = await extranet(() => ({ months, label: `${months / 12} ans` }));
    const period = createRetentionClient({ baseUrl: api.url, ttlMs: 0 });
    const filled = fillRetention(html, await period());
    expect(filled).toContain('2 ans après notre dernier contact');
    expect(filled).not.toContain(RETENTION_PLACEHOLDER);
    months = 60;
    expect(await period()).toBe('5 ans');
  });

  it('keeps the last known figure (or the promised default) when the extranet is down or odd', async () => {
    const down = createRetentionClient({ baseUrl: 'http://127.0.0.1:9' });
    expect(await down()).toBe(DEFAULT_RETENTION_LABEL);
    const odd = await extranet(() => ({ months: 'beaucoup', label: '<script>' }));
    expect(await createRetentionClient({ baseUrl: odd.url })()).toBe(DEFAULT_RETENTION_LABEL);
    expect(fillRetention(`a ${RETENTION_PLACEHOLDER}`, '<b>')).toBe('a &#60;b&#62;');
  });

  it('asks the extranet at most once a minute', async () => {
    const api = await extranet(() => ({ months: 36, label: '3 ans' }));
    const period = createRetentionClient({ baseUrl: api.url });
    expect(await period()).toBe('3 ans');
    expect(await period()).toBe('3 ans');
    expect(api.calls()).toBe(1);
  });
});
