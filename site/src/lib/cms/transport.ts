import type { z } from 'zod';
import { toQuery } from './query.ts';
import { listEnvelope, singleEnvelope } from './schemas.ts';

/** The CMS could not give an answer and no earlier copy exists. */
export class CmsUnavailableError extends Error {}

export interface TransportOptions {
  baseUrl: string;
  token?: string | undefined;
  /** CMS_PREVIEW_TOKEN: the only token the CMS serves drafts to (`status=draft`, preview route only). */
  previewToken?: string | undefined;
  timeoutMs: number;
  fetch: typeof fetch;
  warn: (message: string) => void;
}

/**
 * Strapi's REST API read through zod: `list` (every page of a collection), `one` (the first
 * match) and `single` (a single type). A CMS down, slow or answering garbage gives
 * `CmsUnavailableError`; a 404 gives `null`.
 */
export function createTransport(options: TransportOptions) {
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const { warn } = options;

  async function request(path: string, params: Record<string, unknown>): Promise<unknown> {
    const url = `${baseUrl}${path}?${toQuery(params)}`;
    const token = params.status === 'draft' ? options.previewToken : options.token;
    let res: Response;
    try {
      res = await options.fetch(url, {
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      warn(`${path}: CMS injoignable (${(error as Error).name})`);
      throw new CmsUnavailableError('CMS injoignable', { cause: error });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      warn(`${path}: réponse HTTP ${res.status}`);
      throw new CmsUnavailableError(`CMS HTTP ${res.status}`);
    }
    try {
      return await res.json();
    } catch (error) {
      warn(`${path}: réponse illisible`);
      throw new CmsUnavailableError('Réponse du CMS illisible', { cause: error });
    }
  }

  /** Validates each entry; an invalid entry is dropped (and logged), an invalid envelope fails. */
  function parseItems<T extends z.ZodType>(schema: T, items: unknown[], path: string): z.infer<T>[] {
    const out: z.infer<T>[] = [];
    for (const item of items) {
      const parsed = schema.safeParse(item);
      if (parsed.success) out.push(parsed.data);
      else {
        const id = (item as { documentId?: unknown } | null)?.documentId;
        warn(`${path}: entrée ${typeof id === 'string' ? id : '?'} ignorée (format inattendu)`);
      }
    }
    return out;
  }

  async function list<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T>[]> {
    const all: z.infer<T>[] = [];
    for (let page = 1; page <= 20; page++) {
      const body = await request(path, { ...params, pagination: { page, pageSize: 100 } });
      const env = listEnvelope.safeParse(body);
      if (!env.success) {
        warn(`${path}: réponse inattendue`);
        throw new CmsUnavailableError('Réponse du CMS inattendue');
      }
      all.push(...parseItems(schema, env.data.data, path));
      const pageCount = env.data.meta.pagination?.pageCount ?? 1;
      if (page >= pageCount) break;
    }
    return all;
  }

  async function one<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T> | null> {
    const items = await list(path, schema, params);
    return items[0] ?? null;
  }

  async function single<T extends z.ZodType>(
    path: string,
    schema: T,
    params: Record<string, unknown>,
  ): Promise<z.infer<T> | null> {
    const body = await request(path, params);
    if (body === null) return null;
    const env = singleEnvelope.safeParse(body);
    const parsed = env.success ? schema.safeParse(env.data.data) : null;
    if (!parsed?.success) {
      warn(`${path}: réponse inattendue`);
      throw new CmsUnavailableError('Réponse du CMS inattendue');
    }
    return parsed.data;
  }

  return { list, one, single };
}
