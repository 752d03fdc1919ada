import type { APIRoute } from 'astro';
import { buildRss } from '../../lib/feeds/rss.ts';
import { cms, config, loadGlobal, safely } from '../../lib/runtime.ts';

export const GET: APIRoute = async () => {
  const [{ value: stories }, global] = await Promise.all([safely(() => cms.stories(), []), loadGlobal()]);
  return new Response(buildRss(stories, { siteUrl: config.siteUrl, siteName: global.siteName }), {
    headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
  });
};
