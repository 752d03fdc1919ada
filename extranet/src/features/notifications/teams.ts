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

interface CmsTerritory {
  slug?: string;
  name?: string;
  teamEmail?: string | null;
  teamPhone?: string | null;
}

// Nothing invented: until the CMS answers, messages carry no phone number and replies go to MAIL_FROM.
const FALLBACK = { email: '', phone: '' };

export function createTeamDirectory(opts: {
  cmsUrl?: string | undefined;
  token?: string | undefined;
  fallback?: { email: string; phone: string };
  fetchImpl?: typeof fetch;
}): TeamDirectory {
  let general = opts.fallback ?? FALLBACK;
  let byTerritory = new Map<string, CmsTerritory>();
  const doFetch = opts.fetchImpl ?? fetch;

  async function read<T>(path: string): Promise<T> {
    const res = await doFetch(new URL(path, opts.cmsUrl), {
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`CMS HTTP ${res.status}`);
    return (await res.json()) as T;
  }

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
      if (!opts.cmsUrl) return false;
      try {
        const territories = await read<{ data: CmsTerritory[] }>(
          '/api/territories?fields[0]=name&fields[1]=slug&fields[2]=teamEmail&fields[3]=teamPhone&pagination[pageSize]=100',
        );
        byTerritory = new Map(territories.data.filter((t) => t.slug).map((t) => [t.slug as string, t]));
        try {
          const g = await read<{ data: { contactEmail?: string; contactPhone?: string } | null }>(
            '/api/global?fields[0]=contactEmail&fields[1]=contactPhone',
          );
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
