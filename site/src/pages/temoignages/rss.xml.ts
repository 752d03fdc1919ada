import type { APIRoute } from 'astro';
import { cms, config, feedUnavailable, loadGlobal, safely } from '../../lib/context.ts';
import { buildRss } from '../../lib/feeds/rss.ts';

export const GET: APIRoute = async () => {
  const [{ value: stories, degraded }, global] = await Promise.all([
    safely(() => cms.stories(), []),
    loadGlobal(),
  ]);
  if (degraded) return feedUnavailable();
  return new Response(buildRss(stories, { siteUrl: config.siteUrl, siteName: global.siteName }), {
    headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
  });
};
