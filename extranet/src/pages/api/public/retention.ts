import type { APIRoute } from 'astro';
import { formatPeriod, retentionMonths } from '../../../features/retention/settings.service.ts';
import { json } from '../../../lib/http.ts';

/**
 * The retention period in force, no personal data: the site's personal-data page and forms show
 * it (`{durée de conservation}` in the CMS text). Cached a minute by the site and any proxy.
 */
export const GET: APIRoute = async ({ locals }) => {
  const months = await retentionMonths(locals.runtime.db);
  return json({ months, label: formatPeriod(months) }, 200, { 'cache-control': 'public, max-age=60' });
};
