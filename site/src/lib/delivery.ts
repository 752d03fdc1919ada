import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'identity';

/** Picks brotli, then gzip, from an Accept-Encoding header (q=0 means refused). */
export function pickEncoding(header: string | null): Encoding {
  if (!header) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (n: string) => (accepted.get(n) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

const COMPRESSIBLE =
  /^(text\/|application\/(json|ld\+json|xml|rss\+xml|javascript|manifest\+json)|image\/svg\+xml)/;

export function isCompressible(contentType: string | null): boolean {
  return !!contentType && COMPRESSIBLE.test(contentType);
}

export function compress(body: Uint8Array, encoding: Encoding): Uint8Array {
  if (encoding === 'br') {
    return brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
    });
  }
  if (encoding === 'gzip') return gzipSync(body, { level: 6 });
  return body;
}

export const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  'cross-origin-opener-policy': 'same-origin',
};

/** Strict-Transport-Security when the public address is https: a year, subdomains included. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** For answers that are not HTML pages (feeds, JSON, errors): nothing may run or be framed. */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
