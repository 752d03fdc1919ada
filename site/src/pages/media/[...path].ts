import { getConfiguredImageService, imageConfig } from 'astro:assets';
import { CMS_URL } from 'astro:env/server';
import type { APIRoute } from 'astro';
import { imageCache as cache, parseTransform, UPLOAD_PATH } from '../../lib/images.ts';

/**
 * Serves the CMS's uploaded images from the site's own origin, so the Content-Security-Policy can
 * stay at img-src 'self' and visitors never connect to the CMS. With `?w=&f=` the image is resized
 * and re-encoded (AVIF or WebP) by Astro's image service (sharp, astro.config.ts `image`).
 *
 * Transformed images are kept in memory (an upload never changes at the same address: Strapi
 * names every file with a hash), so each size is encoded once, and they keep being served when the
 * CMS is down. When the CMS cannot serve an image the answer is a 404: the page around it is
 * unaffected (width and height come with the page, its alternative text shows).
 */
const MAX_BYTES = 24 * 1024 * 1024;
const MAX_ENTRIES = 500;
// Not immutable: a photo whose consent is withdrawn must leave browsers and CDNs within the hour.
const IMAGE_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400';

function remember(key: string, value: { body: Uint8Array; type: string }): void {
  let total = value.body.byteLength;
  for (const v of cache.values()) total += v.body.byteLength;
  while (cache.size > 0 && (cache.size >= MAX_ENTRIES || total > MAX_BYTES)) {
    const oldest = cache.keys().next();
    if (oldest.done) break;
    total -= cache.get(oldest.value)?.body.byteLength ?? 0;
    cache.delete(oldest.value);
  }
  cache.set(key, value);
}

async function original(path: string): Promise<{ body: Uint8Array; type: string } | 'missing' | 'down'> {
  try {
    const res = await fetch(`${CMS_URL.replace(/\/$/, '')}${path}`, { signal: AbortSignal.timeout(5000) });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.startsWith('image/')) {
      await res.body?.cancel();
      return res.status >= 500 ? 'down' : 'missing';
    }
    return { body: new Uint8Array(await res.arrayBuffer()), type };
  } catch {
    return 'down';
  }
}

/** Astro's image service reports through a logger: a short line, never the image address. */
const say = (message: string) => console.warn(`[media] ${message.split('\n')[0]?.slice(0, 200)}`);
const imageLogger = { warn: say, error: say, info: () => {}, debug: () => {} } as unknown as Parameters<
  Extract<Awaited<ReturnType<typeof getConfiguredImageService>>, { transform: unknown }>['transform']
>[3];

export const GET: APIRoute = async ({ params, url }) => {
  const path = `/${params.path ?? ''}`;
  if (!UPLOAD_PATH.test(path)) return new Response(null, { status: 404 });
  const wantsTransform = url.searchParams.has('w') || url.searchParams.has('f');
  const transform = wantsTransform ? parseTransform(url.searchParams) : null;
  if (wantsTransform && !transform) return new Response(null, { status: 404 });
  const key = transform ? `${path}?w=${transform.width}&f=${transform.format}` : path;

  const hit = cache.get(key);
  if (hit) {
    return new Response(hit.body as BodyInit, {
      headers: { 'content-type': hit.type, 'cache-control': IMAGE_CACHE_CONTROL, 'x-image-cache': 'hit' },
    });
  }
  const source = await original(path);
  if (source === 'missing')
    return new Response(null, { status: 404, headers: { 'cache-control': 'public, max-age=60' } });
  if (source === 'down') return new Response(null, { status: 404, headers: { 'cache-control': 'no-store' } });

  let result = source;
  if (transform) {
    try {
      const service = await getConfiguredImageService();
      if (!('transform' in service)) throw new Error('image service is not local');
      const out = await service.transform(
        source.body,
        { src: path, width: transform.width, format: transform.format, quality: 'mid' },
        imageConfig,
        imageLogger,
      );
      // sharp names AVIF output "heif".
      const format = out.format === 'heif' ? 'avif' : out.format === 'jpg' ? 'jpeg' : out.format;
      result = { body: out.data, type: `image/${format}` };
    } catch (error) {
      // Not an image sharp can read: never a broken page, only a missing picture.
      say(`${path}: transformation impossible (${(error as Error).message})`);
      return new Response(null, { status: 404, headers: { 'cache-control': 'no-store' } });
    }
  }
  remember(key, result);
  return new Response(result.body as BodyInit, {
    headers: { 'content-type': result.type, 'cache-control': IMAGE_CACHE_CONTROL },
  });
};
