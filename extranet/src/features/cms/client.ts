import { z } from 'zod';

/**
 * The extranet's one door to the CMS (Strapi's REST API, read-only token): a timeout on every
 * request, and every answer checked against a zod schema before anything is copied from it.
 * Errors are for logs, in English; callers keep their last good copy when the CMS fails.
 */
export class CmsError extends Error {}

export interface CmsClientOptions {
  cmsUrl?: string | undefined;
  token?: string | undefined;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** A page of a collection: items are checked one by one (one bad entry must not hide the others). */
const collectionPage = z.object({
  data: z.array(z.unknown()),
  meta: z
    .object({ pagination: z.object({ pageCount: z.number().int().nonnegative() }).partial() })
    .partial()
    .optional(),
});

interface Collection<T> {
  /** entries that match the schema */
  items: T[];
  /** entries that do not (the caller decides what their last good copy becomes) */
  rejected: unknown[];
}

export interface CmsClient {
  /** false when no CMS address is configured: nothing is read. */
  readonly configured: boolean;
  /** GET `path` and parse the answer with `schema`. */
  get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>>;
  /** Every page of a collection (`pathOfPage(1)`, `pathOfPage(2)`…), each entry parsed with `item`. */
  collection<S extends z.ZodType>(
    pathOfPage: (page: number) => string,
    item: S,
  ): Promise<Collection<z.infer<S>>>;
}

const MAX_PAGES = 100;

export function createCmsClient(opts: CmsClientOptions): CmsClient {
  const doFetch = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  async function read(path: string): Promise<unknown> {
    if (!opts.cmsUrl) throw new CmsError('No CMS address configured');
    const url = new URL(path, opts.cmsUrl);
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CmsError(`CMS unreachable (${url.pathname}): ${(error as Error).message}`, { cause: error });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new CmsError(`CMS answered HTTP ${res.status} (${url.pathname})`);
    }
    try {
      return await res.json();
    } catch (error) {
      throw new CmsError(`CMS answer is not JSON (${url.pathname})`, { cause: error });
    }
  }

  function parse<S extends z.ZodType>(path: string, schema: S, body: unknown): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new CmsError(
        `Unexpected CMS answer (${path.split('?')[0]}): ${parsed.error.issues[0]?.message}`,
        {
          cause: parsed.error,
        },
      );
    return parsed.data;
  }

  return {
    configured: Boolean(opts.cmsUrl),
    async get(path, schema) {
      return parse(path, schema, await read(path));
    },
    async collection(pathOfPage, item) {
      const out: Collection<z.infer<typeof item>> = { items: [], rejected: [] };
      for (let page = 1; page <= MAX_PAGES; page++) {
        const path = pathOfPage(page);
        const body = parse(path, collectionPage, await read(path));
        for (const entry of body.data) {
          const parsed = item.safeParse(entry);
          if (parsed.success) out.items.push(parsed.data);
          else out.rejected.push(entry);
        }
        if (page >= (body.meta?.pagination?.pageCount ?? 1)) break;
      }
      return out;
    },
  };
}

/** `fields[i]=…` (or `populate[relation][fields][i]=…`) for each field: never populate=* (docs/contracts.md). */
export function fieldParams(params: URLSearchParams, fields: string[], relation?: string): URLSearchParams {
  const prefix = relation ? `populate[${relation}][fields]` : 'fields';
  for (const [i, f] of fields.entries()) params.set(`${prefix}[${i}]`, f);
  return params;
}
