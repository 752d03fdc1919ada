import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import { findLatestSetting, insertSetting } from './retention.repository.ts';

/**
 * What the public personal-data page promises by default ("trois ans après notre dernier
 * contact"), in months. An admin may change it (/admin/conservation); the site shows the figure
 * in force, read from the extranet's public API (/api/public/retention).
 */
const DEFAULT_RETENTION_MONTHS = 36;
export const MIN_RETENTION_MONTHS = 1;
export const MAX_RETENTION_MONTHS = 120;

type Db = Kysely<Database> | Transaction<Database>;

/** The period in force: the latest setting, or the default when an admin never set one. */
export async function retentionMonths(db: Db): Promise<number> {
  const row = await findLatestSetting(db);
  return row?.months ?? DEFAULT_RETENTION_MONTHS;
}

/** A new period, kept with the previous ones, and written to the audit log. */
export async function setRetentionMonths(
  db: Kysely<Database>,
  actorId: string,
  months: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const previous = await retentionMonths(trx);
    await insertSetting(trx, { months, changed_by: actorId, changed_at: now().toISOString() });
    await audit(trx, {
      actorId,
      action: 'retention.setting',
      entityType: 'retention_setting',
      details: { before: previous, after: months },
    });
  });
}

/** "3 ans", "1 an", "18 mois": how the period reads in French. */
export function formatPeriod(months: number): string {
  if (months % 12 === 0) {
    const years = months / 12;
    return years === 1 ? '1 an' : `${years} ans`;
  }
  return `${months} mois`;
}
