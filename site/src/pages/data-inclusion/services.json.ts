import type { APIRoute } from 'astro';
import { cms, config, safely } from '../../lib/context.ts';
import { buildServices } from '../../lib/feeds/data-inclusion.ts';

/** data·inclusion v1: one service per program. */
export const GET: APIRoute = async () => {
  const [g, programs, territories] = await Promise.all([
    safely(() => cms.global(), null),
    safely(() => cms.programs(), []),
    safely(() => cms.territories(), []),
  ]);
  if (!g.value || programs.degraded)
    return new Response(JSON.stringify({ error: 'Données momentanément indisponibles.' }), {
      status: 503,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  return new Response(
    JSON.stringify(buildServices(programs.value, g.value, territories.value, config.siteUrl), null, 2),
    {
      headers: { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' },
    },
  );
};
