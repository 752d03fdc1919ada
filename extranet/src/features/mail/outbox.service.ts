import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import {
  countOutbox,
  getOutboxMessage,
  listOutbox,
  type OutboxMessage,
  type OutboxStatus,
  requeueMessage,
} from './outbox.repository.ts';

export const OUTBOX_PAGE_SIZE = 50;

/**
 * The outbox page (admins): one page of messages and the count per state. Addresses and subjects
 * are personal data: every view of the list is recorded (how many, not whose).
 */
export async function outboxPage(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: { page: number; status?: OutboxStatus | undefined },
) {
  const list = await listOutbox(db, { page: filter.page, pageSize: OUTBOX_PAGE_SIZE, status: filter.status });
  await audit(db, {
    actorId: viewer.id,
    action: 'outbox.list',
    entityType: 'outbox',
    details: { page: filter.page, filter: filter.status ?? null, shown: list.items.length },
  });
  return { ...list, counts: await countOutbox(db) };
}

/** "Send now": the message goes back to the front of the queue (audited). */
export async function retryNow(db: Kysely<Database>, viewer: Viewer, id: number): Promise<void> {
  await requeueMessage(db, id, now().toISOString());
  await audit(db, { actorId: viewer.id, action: 'outbox.retry', entityType: 'outbox', entityId: id });
}

/** One message; reading a message about someone is reading their record (audited). */
export async function readMessage(
  db: Kysely<Database>,
  viewer: Viewer,
  id: number,
): Promise<OutboxMessage | undefined> {
  const message = await getOutboxMessage(db, id);
  if (!message) return undefined;
  await audit(db, {
    actorId: viewer.id,
    action: 'outbox.read',
    entityType: 'outbox',
    entityId: message.id,
    personId: message.personId,
  });
  return message;
}
