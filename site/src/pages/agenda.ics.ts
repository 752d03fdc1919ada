import type { APIRoute } from 'astro';
import { cms, config, feedUnavailable, safely } from '../lib/context.ts';
import { buildCalendar } from '../lib/feeds/ics.ts';

export const GET: APIRoute = async () => {
  const { value: events, degraded } = await safely(() => cms.upcomingEvents(), []);
  if (degraded) return feedUnavailable('Agenda momentanément indisponible.');
  const body = buildCalendar(events, { siteUrl: config.siteUrl, name: 'Maillage — agenda des sessions' });
  return new Response(body, {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': 'inline; filename="maillage-agenda.ics"',
    },
  });
};
