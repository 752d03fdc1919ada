import { CMS_URL } from 'astro:env/server';
import type { APIRoute } from 'astro';

/**
 * Serves the CMS's uploaded images from the site's own origin, so the Content-Security-Policy can
 * stay at img-src 'self' and visitors never connect to the CMS.
 */
export const GET: APIRoute = async ({ params }) => {
  const path = params.path ?? '';
  if (!/^uploads\/[\w.-]+\.(jpe?g|png|webp|avif|gif)$/i.test(path))
    return new Response(null, { status: 404 });
  try {
    const res = await fetch(`${CMS_URL.replace(/\/$/, '')}/${path}`, { signal: AbortSignal.timeout(5000) });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.startsWith('image/')) {
      await res.body?.cancel();
      return new Response(null, { status: 404 });
    }
    return new Response(res.body, {
      headers: {
        'content-type': type,
        'cache-control': 'public, max-age=86400, stale-while-revalidate=604800',
      },
    });
  } catch {
    return new Response(null, { status: 504, headers: { 'cache-control': 'no-store' } });
  }
};
