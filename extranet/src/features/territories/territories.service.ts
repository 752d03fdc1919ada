import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { type CmsClient, CmsError, fieldParams } from '../cms/client.ts';
import { routableTerritory } from '../cms/schemas.ts';
import { readTerritories, replaceTerritories } from './territories.repository.ts';
import { knownEpci, useTerritories } from './territories.ts';

/** Explicit fields, every page (never populate=*: docs/contracts.md). */
export function territoriesQuery(page: number): string {
  const p = fieldParams(new URLSearchParams(), ['name', 'slug', 'epciCodes']);
  p.set('pagination[page]', String(page));
  p.set('pagination[pageSize]', '100');
  return `/api/territories?${p.toString()}`;
}

/**
 * Reads the copy (the territory table) into this process: routing, names and lists follow it. Every
 * instance does this on each refresh, so a territory copied by another instance arrives here too.
 */
export async function loadTerritories(db: Kysely<Database>): Promise<void> {
  const all = await readTerritories(db);
  useTerritories(
    all.filter((t) => t.active).map(({ active: _, ...t }) => t),
    all,
  );
}

export interface TerritoriesRefresh {
  /** territories the CMS publishes, now in the copy */
  published: number;
  /** EPCI codes no commune of communes.generated.ts belongs to (their communes cannot be routed) */
  unknownEpci: string[];
}

/**
 * Pulls the published territories from the CMS into the copy, then loads it. Throws (a CmsError)
 * when the CMS cannot be read or publishes no territory at all: the copy is then left as it was,
 * since routing every request outside any territory is never what an editor meant.
 */
export async function refreshTerritoriesFromCms(
  db: Kysely<Database>,
  client: CmsClient,
): Promise<TerritoriesRefresh> {
  const { items, rejected } = await client.collection(territoriesQuery, routableTerritory);
  if (items.length === 0) throw new CmsError('The CMS publishes no territory with EPCI codes');
  const keep = rejected
    .map((t) => (t as { slug?: unknown } | null)?.slug)
    .filter((slug): slug is string => typeof slug === 'string');
  await db.transaction().execute(async (trx) => {
    await replaceTerritories(
      trx,
      items.map((t) => ({ slug: t.slug, name: t.name, epciCodes: t.epciCodes })),
      keep,
    );
  });
  await loadTerritories(db);
  return {
    published: items.length,
    unknownEpci: items.flatMap((t) => t.epciCodes).filter((code) => !knownEpci(code)),
  };
}
