import { defineMiddleware } from 'astro:middleware';
import { malformedAction } from '@maillage/platform/action-name';
import { bodyTooLarge, payloadTooLarge } from '@maillage/platform/body-limit';
import { config } from './lib/context.ts';
import {
  HSTS,
  isCompressible,
  NON_HTML_CSP,
  PUBLIC_CACHE_CONTROL,
  pickEncoding,
  SECURITY_HEADERS,
} from './lib/delivery.ts';
import { answer, type CachedPage, pageCache } from './lib/page-cache.ts';

/** Paths never held by the page cache nor by a CDN (secret or per-request). */
const PRIVATE =
  /^\/(apercu|api\/|_actions|_server-islands|inscription|etre-rappele|idee-de-projet|professionnel|confirmation)/;

function send(page: CachedPage, encoding: ReturnType<typeof pickEncoding>): Response {
  const { status, headers, body } = answer(page, encoding);
  return new Response(body as BodyInit, { status, headers });
}

export const onRequest = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  // Form posts and the webhook: 413 over 64 KB, before the body is read whole.
  if (await bodyTooLarge(request)) return payloadTooLarge(url.pathname.startsWith('/api/'));
  // A form posted with a malformed action name (`?_action=`): 400, before Astro tries to decode it.
  const malformed = malformedAction(context);
  if (malformed) return malformed;
  const isGet = request.method === 'GET' || request.method === 'HEAD';
  const cacheable = isGet && !PRIVATE.test(url.pathname);
  const key = `${url.pathname}${url.search}`;
  const encoding = pickEncoding(request.headers.get('accept-encoding'));

  if (cacheable) {
    const hit = pageCache.get(key);
    if (hit) return send(hit, encoding);
  }

  // Read before rendering: a webhook purge that lands while this page renders (with the content
  // read before it) must not let this page into the cache.
  const generation = pageCache.generation;
  const response = await next();
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) headers.set(k, v);
  // Served over https (SITE_URL says so): browsers must never come back over plain http.
  if (config.siteUrl.startsWith('https://')) headers.set('strict-transport-security', HSTS);
  const type = headers.get('content-type');
  if (!type?.startsWith('text/html')) headers.set('content-security-policy', NON_HTML_CSP);
  else if (!headers.get('content-security-policy')?.includes('frame-ancestors')) {
    const preview = url.pathname === '/apercu';
    const ancestors = preview ? ["'self'", ...config.adminOrigins].join(' ') : "'none'";
    const csp = headers.get('content-security-policy');
    headers.set(
      'content-security-policy',
      `${csp ? `${csp.replace(/;\s*$/, '')}; ` : "default-src 'self'; "}frame-ancestors ${ancestors}`,
    );
    if (preview) {
      headers.delete('x-frame-options');
      // The preview secret is in the address: never pass it on, even to the site's own pages.
      headers.set('referrer-policy', 'no-referrer');
    }
  }
  if (!headers.has('cache-control')) {
    if (isGet && response.status === 200 && cacheable) headers.set('cache-control', PUBLIC_CACHE_CONTROL);
    else if (isGet && response.status === 404) headers.set('cache-control', 'public, max-age=60');
    else headers.set('cache-control', 'no-store');
  }

  // Already encoded: a rewrite (Astro.rewrite) runs this middleware a second time.
  const encoded = headers.has('content-encoding');
  if (
    !response.body ||
    encoded ||
    !isCompressible(type) ||
    (response.status >= 300 && response.status < 400)
  ) {
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
  const body = new Uint8Array(await response.arrayBuffer());
  // Rendering is over: a page that had to do without the CMS is kept neither here nor by a CDN.
  if (context.locals.degraded) headers.set('cache-control', 'no-store');
  headers.delete('content-length');
  const page: CachedPage = {
    status: response.status,
    headers: [...headers],
    body,
    variants: new Map(),
    at: Date.now(),
  };
  // Anything personal (a cookie, a private answer) is never kept.
  const noStore = /no-store|private/.test(headers.get('cache-control') ?? '') || headers.has('set-cookie');
  if (cacheable && response.status === 200 && !noStore) pageCache.set(key, page, generation);
  return send(page, encoding);
});
