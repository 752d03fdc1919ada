import type { APIRoute } from 'astro';
import { availabilityOne } from '../../../../features/events/events.service.ts';
import { json } from '../../../../lib/http.ts';

export const GET: APIRoute = async ({ locals, params }) => {
  const id = params.id ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id))
    return json({ error: 'not_found' }, 404, { 'cache-control': 'public, max-age=10' });
  const entry = await availabilityOne(locals.runtime.db, id);
  if (!entry) return json({ error: 'not_found' }, 404, { 'cache-control': 'public, max-age=10' });
  return json(entry, 200, { 'cache-control': 'public, max-age=10' });
};
