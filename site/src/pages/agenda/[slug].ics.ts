import type { APIRoute } from 'astro';
import { cms, config, feedUnavailable, safely } from '../../lib/context.ts';
import { buildCalendar } from '../../lib/feeds/ics.ts';

export const GET: APIRoute = async ({ params }) => {
  const slug = params.slug ?? '';
  const { value: event, degraded } = await safely(() => cms.event(slug), null);
  if (!event) {
    if (degraded) return feedUnavailable('Agenda momentanément indisponible.');
    return new Response('Session introuvable.', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=60' },
    });
  }
  return new Response(buildCalendar([event], { siteUrl: config.siteUrl, name: event.title }), {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="${event.slug}.ics"`,
    },
  });
};
