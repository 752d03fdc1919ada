import { compress, type Encoding, isCompressible, pickEncoding } from './delivery.ts';

/**
 * A tiny output cache in front of page rendering, like a CDN would hold: a rendered public page
 * is kept for a few seconds (compressed variants included) and dropped on the CMS webhook.
 * It only ever holds public, anonymous responses (see src/middleware.ts).
 *
 * The node server in front of Astro (server/entry.mjs) answers hits straight from here, without
 * entering Astro's pipeline: it finds this cache through a global symbol.
 */
export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  variants: Map<string, Uint8Array>;
  at: number;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Headers and body of a cached page for one Accept-Encoding (variants computed once). */
export function answer(page: CachedPage, encoding: Encoding): RawAnswer {
  const headers: Record<string, string> = {};
  for (const [k, v] of page.headers) headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  let body = page.body;
  const compressible = isCompressible(headers['content-type'] ?? null);
  if (encoding !== 'identity' && body.byteLength > 1024 && compressible) {
    let variant = page.variants.get(encoding);
    if (!variant) {
      variant = compress(page.body, encoding);
      page.variants.set(encoding, variant);
    }
    body = variant;
    headers['content-encoding'] = encoding;
  }
  if (compressible) headers.vary = 'Accept-Encoding';
  headers['content-length'] = String(body.byteLength);
  return { status: page.status, headers, body };
}

class PageCache {
  private pages = new Map<string, CachedPage>();
  /** Bumped by every purge: a page rendered across a purge may hold what the purge removed. */
  generation = 0;
  constructor(
    private ttlMs: number,
    private max: number,
  ) {}
  get(key: string): CachedPage | null {
    const p = this.pages.get(key);
    if (!p) return null;
    if (Date.now() - p.at > this.ttlMs) {
      this.pages.delete(key);
      return null;
    }
    return p;
  }
  /** Keeps a page rendered since `generation` (read before rendering); a purge since then wins. */
  set(key: string, page: CachedPage, generation = this.generation): void {
    if (generation !== this.generation) return;
    this.pages.delete(key);
    this.pages.set(key, page);
    while (this.pages.size > this.max) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
  }
  purge(): void {
    this.generation++;
    this.pages.clear();
  }
  /** For the node front server: a ready answer for "path?query", or null. */
  lookup(key: string, acceptEncoding: string | undefined): RawAnswer | null {
    const page = this.get(key);
    return page ? answer(page, pickEncoding(acceptEncoding ?? null)) : null;
  }
}

// 10 s: the same freshness as the extranet's availability endpoint (places left).
export const pageCache = new PageCache(10_000, 300);
(globalThis as Record<symbol, unknown>)[Symbol.for('maillage.page-cache')] = pageCache;
