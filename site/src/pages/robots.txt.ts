import type { APIRoute } from 'astro';
import { config } from '../lib/context.ts';

export const GET: APIRoute = () =>
  new Response(
    [
      'User-agent: *',
      'Disallow: /apercu',
      'Disallow: /api/',
      'Allow: /',
      '',
      `Sitemap: ${config.siteUrl}/sitemap.xml`,
      '',
    ].join('\n'),
    { headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
