import { randomUUID } from 'node:crypto';
import { nowMs } from '@maillage/platform/clock';
import type { Db } from '../../src/db/connect.ts';
import { upsertEventCopy } from '../../src/features/events/events.repository.ts';
import { SERVICE_TOKEN } from './server.ts';

/** An upcoming event, straight into the events copy (no CMS needed). */
export async function addEvent(
  db: Db,
  documentId: string,
  territory: string,
  capacity: number,
): Promise<void> {
  const date = new Date(nowMs() + 30 * 86400_000).toISOString().slice(0, 10);
  await upsertEventCopy(db.db, {
    documentId,
    title: `Parcours des Possibles ${documentId}`,
    kind: 'session',
    programTitle: 'Parcours des Possibles',
    programKind: 'parcours',
    territory,
    territoryName: territory,
    slots: [{ date, start: '09:00', end: '12:00' }],
    capacity,
    venue: {
      name: 'Salle des fêtes',
      address: '1 rue de la Mairie',
      postcode: '59300',
      commune: 'Valenciennes',
      inseeCode: '59606',
    },
  });
}

let phoneCounter = 10_000_000;
export function uniquePhone(): string {
  phoneCounter += 1;
  return `06${String(phoneCounter).slice(-8)}`;
}

export function eventRequest(eventId: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'event',
    eventId,
    idempotencyKey: randomUUID(),
    firstName: 'Awa',
    lastName: `Diallo-${randomUUID().slice(0, 6)}`,
    phone: uniquePhone(),
    email: 'awa@exemple.test',
    preferredContact: 'email',
    ...extra,
  };
}

export async function intake(base: string, body: unknown, token = SERVICE_TOKEN): Promise<Response> {
  return fetch(new URL('/api/intake/registrations', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

/** The last link of a given kind of message to an address, read from the outbox table. */
export async function lastMailLink(db: Db, to: string, kind: string): Promise<string> {
  const row = await db.db
    .selectFrom('outbox')
    .select('text_body')
    .where('to_address', '=', to)
    .where('kind', '=', kind)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const m = row.text_body.match(/https?:\/\/\S+/);
  if (!m) throw new Error('no link in message');
  return m[0];
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) from a base32 secret. */
export async function totp(base32: string, now = Date.now()): Promise<string> {
  const { createHmac } = await import('node:crypto');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1]! & 0xf;
  const code = ((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
  return code;
}
