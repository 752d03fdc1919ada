import type { APIRoute } from 'astro';
import { feedCalendar } from '../../../features/appointments/feed.service.ts';

/**
 * An advisor's private calendar feed: the token in the URL stands for the sign-in (a calendar app
 * cannot sign in). Unknown or revoked → 404, the same answer; never cached anywhere.
 */
export const GET: APIRoute = async ({ params, locals, url }) => {
  const headers = { 'cache-control': 'no-store, private', 'referrer-policy': 'no-referrer' };
  const ics = await feedCalendar(locals.runtime.db, params.token ?? '', url.host);
  if (!ics)
    return new Response('Introuvable.', {
      status: 404,
      headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    });
  return new Response(ics, {
    headers: {
      ...headers,
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': 'inline; filename="agenda.ics"',
    },
  });
};
