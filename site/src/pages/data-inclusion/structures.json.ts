import type { APIRoute } from 'astro';
import { cms, config, safely } from '../../lib/context.ts';
import { buildStructure } from '../../lib/feeds/data-inclusion.ts';

/** data·inclusion v1: the structure (a list of one). */
export const GET: APIRoute = async () => {
  const { value: global } = await safely(() => cms.global(), null);
  if (!global)
    return new Response(JSON.stringify({ error: 'Données momentanément indisponibles.' }), {
      status: 503,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  return new Response(JSON.stringify([buildStructure(global, config.siteUrl)], null, 2), {
    headers: { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' },
  });
};
