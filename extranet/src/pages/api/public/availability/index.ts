import type { APIRoute } from 'astro';
import { availabilityAll } from '../../../../features/events/events.service.ts';
import { json } from '../../../../lib/http.ts';

/** Places per event, no personal data. Cached 10 s by the site and any proxy. */
export const GET: APIRoute = async ({ locals }) => {
  const events = await availabilityAll(locals.runtime.db);
  return json({ events }, 200, { 'cache-control': 'public, max-age=10' });
};
