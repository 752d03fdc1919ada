import { nowMs } from '../../contract/clock.ts';

/** What the sign-in sheet prints about the association: its name and its funders' mentions. */
export interface Association {
  name: string;
  funders: { name: string; mention: string | null }[];
  /** true when the CMS could not be read and nothing was known yet */
  fallback: boolean;
}

/** Nothing invented when the CMS was never reached: the platform's name, no funder. */
export const FALLBACK_ASSOCIATION: Association = { name: 'Maillage', funders: [], fallback: true };

const FRESH_MS = 10 * 60_000;
/** After a failure, the CMS is not asked again for this long (a PDF must not wait on it each time). */
const RETRY_MS = 60_000;

interface CmsGlobal {
  data?: {
    siteName?: string | null;
    funders?: { name?: string | null; mention?: string | null }[] | null;
  } | null;
}

/**
 * The CMS global (site name, funders), read with the extranet's read-only token and kept in memory:
 * fresh for 10 minutes, and the last copy read is used while the CMS is down; safe to lose.
 */
export function createAssociationSource(opts: {
  cmsUrl?: string | undefined;
  token?: string | undefined;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}) {
  let known: Association | null = null;
  let checkedAt = 0;
  let pending: Promise<Association> | null = null;
  const doFetch = opts.fetchImpl ?? fetch;

  async function load(): Promise<Association> {
    const p = new URLSearchParams();
    p.set('fields[0]', 'siteName');
    p.set('populate[funders][fields][0]', 'name');
    p.set('populate[funders][fields][1]', 'mention');
    const res = await doFetch(new URL(`/api/global?${p}`, opts.cmsUrl), {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      signal: AbortSignal.timeout(opts.timeoutMs ?? 3_000),
    });
    if (!res.ok) throw new Error(`CMS HTTP ${res.status}`);
    const body = (await res.json()) as CmsGlobal;
    const name = body.data?.siteName?.trim();
    if (!name) throw new Error('CMS global without siteName');
    return {
      name,
      funders: (body.data?.funders ?? [])
        .filter((f) => f.name?.trim())
        .map((f) => ({ name: (f.name as string).trim(), mention: f.mention?.trim() || null })),
      fallback: false,
    };
  }

  return {
    async get(): Promise<Association> {
      const age = nowMs() - checkedAt;
      if (!opts.cmsUrl || age < (known ? FRESH_MS : RETRY_MS)) return known ?? FALLBACK_ASSOCIATION;
      pending ??= load()
        .then((a) => {
          known = a;
          return a;
        })
        .catch(() => known ?? FALLBACK_ASSOCIATION)
        .finally(() => {
          checkedAt = nowMs();
          pending = null;
        });
      return pending;
    },
  };
}

export type AssociationSource = ReturnType<typeof createAssociationSource>;

let shared: AssociationSource | null = null;

/** The process-wide source, built on first use from the runtime's CMS settings. */
export function associationSource(opts: { cmsUrl?: string | undefined; token?: string | undefined }) {
  shared ??= createAssociationSource(opts);
  return shared;
}
