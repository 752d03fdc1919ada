// Two instances of the built site behind no sticky load balancer, one real Strapi: a publish shows
// on both (the CMS calls every instance), and the CMS down during a publish leaves both serving the
// last good copy until it is back. Needs the built CMS and site.

import { freePort } from '@maillage/scripts/lib/ports';
import type { Service } from '@maillage/scripts/lib/processes';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AvailabilityStub,
  adminClient,
  type CmsProxy,
  startAvailabilityStub,
  startBuiltSite,
  startProxy,
} from './helpers/stack.ts';

let cms: StartedStrapi;
let proxy: CmsProxy;
let availability: AvailabilityStub;
const sites: { url: string; service: Service }[] = [];

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  let cmsUrl = '';
  proxy = await startProxy(() => cmsUrl);
  availability = await startAvailabilityStub();
  cms = await startStrapi({ env: { SITE_URL: urls[0] as string, SITE_WEBHOOK_URLS: urls.join(',') } });
  cmsUrl = cms.url;
  for (const [i, port] of ports.entries()) {
    const service = await startBuiltSite(port, {
      CMS_URL: proxy.url,
      CMS_SITE_TOKEN: cms.siteToken,
      CMS_WEBHOOK_SECRET: cms.webhookSecret,
      EXTRANET_URL: availability.url,
    });
    sites.push({ url: urls[i] as string, service });
  }
});

afterAll(async () => {
  await Promise.all([
    ...sites.map((s) => s.service.stop()),
    cms?.stop(),
    proxy?.close(),
    availability?.close(),
  ]);
});

const page = async (base: string, path: string) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, html: await res.text() };
};

/** Polls every instance until each shows `text`, or `ms` pass; returns how long it took per instance. */
async function untilShown(path: string, text: string, ms: number): Promise<(number | null)[]> {
  const started = Date.now();
  const seen: (number | null)[] = sites.map(() => null);
  while (Date.now() - started < ms && seen.some((s) => s === null)) {
    for (const [i, s] of sites.entries()) {
      if (seen[i] === null && (await page(s.url, path)).html.includes(text)) seen[i] = Date.now() - started;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return seen;
}

describe('two site instances', () => {
  it('both show a change published in the CMS within 5 seconds', async () => {
    const path = '/programmes/parcours-creation';
    // Both instances have the page in their cache.
    for (const s of sites) expect((await page(s.url, path)).status).toBe(200);
    const res = await fetch(`${cms.url}/api/programs?filters[slug][$eq]=parcours-creation&fields[0]=title`, {
      headers: { authorization: `Bearer ${cms.siteToken}` },
    });
    const program = ((await res.json()) as { data: { documentId: string }[] }).data[0];
    expect(program).toBeDefined();
    const title = `Parcours création — deux instances ${Date.now()}`;
    await (await adminClient(cms.url)).updateAndPublish('api::program.program', program!.documentId, {
      title,
    });
    const took = await untilShown(path, title, 5_000);
    expect(
      took.every((t) => t !== null && t <= 5_000),
      `ms per instance: ${took.join(', ')}`,
    ).toBe(true);
  });

  it('keeps serving the last good copy when the CMS is down during a publish, and shows it once back', async () => {
    const path = '/programmes/parcours-emploi';
    const before = await Promise.all(sites.map((s) => page(s.url, path)));
    for (const b of before) expect(b.status).toBe(200);
    const res = await fetch(`${cms.url}/api/programs?filters[slug][$eq]=parcours-emploi&fields[0]=title`, {
      headers: { authorization: `Bearer ${cms.siteToken}` },
    });
    const program = ((await res.json()) as { data: { documentId: string; title: string }[] }).data[0];
    expect(program).toBeDefined();
    // The CMS becomes unreachable from the site just as the publish's webhook empties the caches.
    proxy.mode = 'down';
    const title = `Parcours emploi — pendant la panne ${Date.now()}`;
    try {
      await (await adminClient(cms.url)).updateAndPublish('api::program.program', program!.documentId, {
        title,
      });
      await new Promise((r) => setTimeout(r, 1_000));
      for (const s of sites) {
        const during = await page(s.url, path);
        expect(during.status).toBe(200);
        expect(during.html).toContain(program!.title);
        expect(during.html).not.toContain(title);
      }
    } finally {
      proxy.mode = 'pass';
    }
    // Back: the emptied entry is fetched again on the next views, on both instances, without a new webhook.
    const took = await untilShown(path, title, 15_000);
    expect(
      took.every((t) => t !== null),
      `ms per instance: ${took.join(', ')}`,
    ).toBe(true);
  });
});
