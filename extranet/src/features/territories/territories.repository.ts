import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Territory } from './territories.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface TerritoryRow extends Territory {
  active: boolean;
}

/** Every territory of the copy, active or not, in order. */
export async function readTerritories(db: Db): Promise<TerritoryRow[]> {
  const rows = await db
    .selectFrom('territory')
    .select(['slug', 'name', 'epci_codes', 'active', 'position'])
    .orderBy('position')
    .orderBy('slug')
    .execute();
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    epciCodes: parseCodes(r.epci_codes),
    active: Number(r.active) === 1,
  }));
}

function parseCodes(json: string): string[] {
  try {
    const codes = JSON.parse(json) as unknown;
    return Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Makes the copy what the CMS publishes: `published` written (new ones after the known ones), every
 * other territory inactive except `keep` (entries the CMS sent but that could not be read: their
 * last good copy stays as it was).
 */
export async function replaceTerritories(db: Db, published: Territory[], keep: string[]): Promise<void> {
  const known = new Set((await readTerritories(db)).map((t) => t.slug));
  const last = await db
    .selectFrom('territory')
    .select((eb) => eb.fn.max<number>('position').as('n'))
    .executeTakeFirst();
  let position = Number(last?.n ?? 0);
  for (const t of published) {
    const values = { name: t.name, epci_codes: JSON.stringify(t.epciCodes), active: 1 };
    if (known.has(t.slug)) await db.updateTable('territory').set(values).where('slug', '=', t.slug).execute();
    else
      await db
        .insertInto('territory')
        .values({ slug: t.slug, ...values, position: ++position })
        .execute();
  }
  const stay = [...published.map((t) => t.slug), ...keep];
  await db.updateTable('territory').set({ active: 0 }).where('slug', 'not in', stay).execute();
}
