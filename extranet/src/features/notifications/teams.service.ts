import { type CmsClient, type CmsClientOptions, createCmsClient, fieldParams } from '../cms/client.ts';
import { type CmsTerritory, cmsGlobalContact, cmsTerritory } from '../cms/schemas.ts';
import type { TeamIdentity } from './types.ts';

/**
 * Who a message comes from: the territory's team (name, email for replies, phone). The CMS holds
 * the teams' contacts (territory.teamEmail / teamPhone, global contact); this module keeps the last
 * copy it read in memory, which is safe to lose: until the next refresh, messages use the
 * association's general contact.
 */
export interface TeamDirectory {
  team(territorySlug: string | null | undefined, territoryName?: string | null): TeamIdentity;
  refresh(): Promise<boolean>;
}

// Nothing invented: until the CMS answers, messages carry no phone number and replies go to MAIL_FROM.
const FALLBACK = { email: '', phone: '' };

const teamsQuery = (page: number) => {
  const p = fieldParams(new URLSearchParams(), ['name', 'slug', 'teamEmail', 'teamPhone']);
  p.set('pagination[page]', String(page));
  p.set('pagination[pageSize]', '100');
  return `/api/territories?${p.toString()}`;
};
const globalQuery = `/api/global?${fieldParams(new URLSearchParams(), ['contactEmail', 'contactPhone'])}`;

export function createTeamDirectory(
  opts: CmsClientOptions & { fallback?: { email: string; phone: string }; client?: CmsClient },
): TeamDirectory {
  let general = opts.fallback ?? FALLBACK;
  let byTerritory = new Map<string, CmsTerritory>();
  const cms = opts.client ?? createCmsClient({ timeoutMs: 5_000, ...opts });

  return {
    team(slug, name) {
      const t = slug ? byTerritory.get(slug) : undefined;
      const territoryName = t?.name ?? name ?? null;
      return {
        name: territoryName ? `Maillage — équipe ${teamOf(territoryName)}` : 'Maillage',
        email: t?.teamEmail || general.email,
        phone: t?.teamPhone || general.phone,
        associationPhone: general.phone,
      };
    },
    async refresh() {
      if (!cms.configured) return false;
      try {
        const territories = await cms.collection(teamsQuery, cmsTerritory);
        byTerritory = new Map(territories.items.map((t) => [t.slug, t]));
        try {
          const g = await cms.get(globalQuery, cmsGlobalContact);
          // Each of the association's contacts on its own: a phone number without an email
          // address (or the reverse) still replaces "nothing".
          general = {
            email: g.data?.contactEmail || general.email,
            phone: g.data?.contactPhone || general.phone,
          };
        } catch {
          // the territories are enough
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** "du Cambrésis", "du Douaisis", "de Pévèle-Carembault", "du Valenciennois". */
function teamOf(name: string): string {
  return /^(Pévèle|P[ée]v[èe]le)/.test(name) ? `de ${name}` : `du ${name}`;
}
