import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { journalAudit } from './audit-journal.ts';

export interface AuditEntry {
  actorId: string | null;
  /** registration.read, registration.accept, account.invite… */
  action: string;
  entityType: string;
  entityId?: string | number | null;
  personId?: number | null;
  /**
   * No personal data here (ids, statuses, counts), with one exception: an advisor's change to a
   * person's record keeps the values before and after, so it can be traced and undone.
   */
  details?: Record<string, unknown>;
}

/**
 * Reads: who looked at a record or a list (`person.read`, `agenda.list`, `session.emargement`,
 * `person.export`…). Outside a transaction they go through the journal, off the request's path.
 */
const READ = /\.(read|list|search|download|export|emargement|call-list)$/;

/**
 * Writes who read or changed which record: a change in the caller's transaction when there is one
 * (the row commits or rolls back with the change); a read to the journal (audit-journal.ts), which
 * inserts it within a fraction of a second and never loses it. Same row either way.
 */
export async function audit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry): Promise<void> {
  const row = {
    at: now().toISOString(),
    actor_id: entry.actorId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId == null ? null : String(entry.entityId),
    person_id: entry.personId ?? null,
    details_json: entry.details ? JSON.stringify(entry.details) : null,
  };
  if (!db.isTransaction && READ.test(entry.action) && journalAudit(row)) return;
  await db.insertInto('audit_log').values(row).execute();
}

export async function listAudit(
  db: Kysely<Database>,
  options: { page: number; pageSize: number; action?: string | undefined },
) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.action',
      'audit_log.entity_type',
      'audit_log.entity_id',
      'audit_log.person_id',
      'audit_log.details_json',
      'users.email as actor_email',
    ]);
  if (options.action) q = q.where('audit_log.action', '=', options.action);
  const rows = await q
    // By instant: reads arrive from the journal a fraction of a second after later changes.
    .orderBy('audit_log.at', 'desc')
    .orderBy('audit_log.id', 'desc')
    .limit(options.pageSize + 1)
    .offset((options.page - 1) * options.pageSize)
    .execute();
  return { rows: rows.slice(0, options.pageSize), hasMore: rows.length > options.pageSize };
}
