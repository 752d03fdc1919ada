import type { APIRoute } from 'astro';
import { cms, config, feedUnavailable, loadGlobal, safely } from '../../lib/context.ts';
import { buildNewsRss } from '../../lib/feeds/rss.ts';

export const GET: APIRoute = async () => {
  const [{ value: news, degraded }, global] = await Promise.all([safely(() => cms.news(), []), loadGlobal()]);
  if (degraded) return feedUnavailable();
  return new Response(buildNewsRss(news, { siteUrl: config.siteUrl, siteName: global.siteName }), {
    headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
  });
};
