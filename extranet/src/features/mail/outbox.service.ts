import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import {
  countOutbox,
  getOutboxMessage,
  listOutbox,
  type OutboxMessage,
  type OutboxStatus,
  requeueMessage,
} from './outbox.repository.ts';

const OUTBOX_PAGE_SIZE = 50;

/**
 * Who acts (the signed-in admin: a `Viewer`). Only the id is needed for the audit trail, so mail —
 * which auth itself uses to send password resets — needs nothing from auth.
 */
type Actor = { id: string };

/**
 * The outbox page (admins): one page of messages and the count per state. Addresses and subjects
 * are personal data: every view of the list is recorded (how many, not whose).
 */
export async function outboxPage(
  db: Kysely<Database>,
  viewer: Actor,
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
export async function retryNow(db: Kysely<Database>, viewer: Actor, id: number): Promise<void> {
  await requeueMessage(db, id, now().toISOString());
  await audit(db, { actorId: viewer.id, action: 'outbox.retry', entityType: 'outbox', entityId: id });
}

/** One message; reading a message about someone is reading their record (audited). */
export async function readMessage(
  db: Kysely<Database>,
  viewer: Actor,
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

/** The outbox states as the outbox pages name them. */
export const OUTBOX_STATUS_LABEL: Record<OutboxStatus, string> = {
  pending: 'En attente',
  sending: 'En cours d’envoi',
  sent: 'Envoyé',
  failed: 'Échec définitif',
  held: 'Retenu (plafond journalier)',
};
