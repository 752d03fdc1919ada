/**
 * A tiny output cache in front of page rendering, like a CDN would hold: a rendered public page
 * is kept for a few seconds (compressed variants included) and dropped on the CMS webhook.
 * It only ever holds public, anonymous responses.
 */
export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  variants: Map<string, Uint8Array>;
  at: number;
}

class PageCache {
  private pages = new Map<string, CachedPage>();
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
  set(key: string, page: CachedPage): void {
    this.pages.delete(key);
    this.pages.set(key, page);
    while (this.pages.size > this.max) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
  }
  purge(): void {
    this.pages.clear();
  }
}

// 10 s: the same freshness as the extranet's availability endpoint (places left).
export const pageCache = new PageCache(10_000, 300);
