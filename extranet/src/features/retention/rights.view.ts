import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { exportPerson, type PersonExport, SECTION_LABELS } from './export.ts';

/**
 * What the person's-rights page (admin/personnes/[id]) reads: whether the record exists and is
 * erased, and everything held on it, section by section.
 */
export async function erasureState(
  db: Kysely<Database>,
  personId: number,
): Promise<{ erasedAt: string | null } | undefined> {
  const row = await db.selectFrom('person').select('erased_at').where('id', '=', personId).executeTakeFirst();
  return row && { erasedAt: row.erased_at };
}

/** Everything held on the person, as sections of rows; a read is audited when `audited`. */
export async function rightsView(
  db: Kysely<Database>,
  viewer: Viewer,
  personId: number,
  options: { audited: boolean },
) {
  const data = (await exportPerson(db, personId)) as PersonExport;
  if (options.audited)
    await audit(db, {
      actorId: viewer.id,
      action: 'person.export',
      entityType: 'person',
      entityId: personId,
      personId,
      details: { format: 'html' },
    });
  const sections = (Object.keys(SECTION_LABELS) as (keyof PersonExport)[]).map((key) => {
    const value = data[key];
    const rows = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
    return { key, label: SECTION_LABELS[key], rows };
  });
  return { erasedAt: data.person.erased_at, sections };
}
