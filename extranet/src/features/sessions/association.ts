import { nowMs } from '@maillage/platform/clock';
import { type CmsClientOptions, CmsError, createCmsClient, fieldParams } from '../cms/client.ts';
import { cmsAssociation } from '../cms/schemas.ts';

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

/** Explicit fields (never populate=*: docs/contracts.md). */
const associationQuery = `/api/global?${fieldParams(
  fieldParams(new URLSearchParams(), ['siteName']),
  ['name', 'mention'],
  'funders',
)}`;

/**
 * The CMS global (site name, funders), read with the extranet's read-only token and kept in memory:
 * fresh for 10 minutes, and the last copy read is used while the CMS is down; safe to lose.
 */
export function createAssociationSource(opts: CmsClientOptions) {
  let known: Association | null = null;
  let checkedAt = 0;
  let pending: Promise<Association> | null = null;
  const cms = createCmsClient({ timeoutMs: 3_000, ...opts });

  async function load(): Promise<Association> {
    const body = await cms.get(associationQuery, cmsAssociation);
    const name = body.data?.siteName?.trim();
    if (!name) throw new CmsError('CMS global without siteName');
    return {
      name,
      funders: (body.data?.funders ?? []).flatMap((f) => {
        const funder = f.name?.trim();
        return funder ? [{ name: funder, mention: f.mention?.trim() || null }] : [];
      }),
      fallback: false,
    };
  }

  return {
    async get(): Promise<Association> {
      const age = nowMs() - checkedAt;
      if (!cms.configured || age < (known ? FRESH_MS : RETRY_MS)) return known ?? FALLBACK_ASSOCIATION;
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
