import { createHash, randomBytes } from 'node:crypto';
import * as clock from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database, PersonLinkTable } from '../../db/database.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type PersonLinkKind = PersonLinkTable['kind'];

/**
 * Short links in messages to people, short enough for an SMS (`/a/<22 characters>`): 128 random
 * bits, unguessable, and only their SHA-256 is stored, so the database (or a backup) holds no
 * working link. A link names one thing (a registration, an appointment, an offer) and expires.
 */
const CODE = /^[A-Za-z0-9_-]{22}$/;

function hash(code: string): string {
  return createHash('sha256').update(`maillage-person-link:${code}`).digest('base64url');
}

export async function createPersonLink(
  db: Db,
  link: { kind: PersonLinkKind; targetId: number; expiresAt: Date | string },
): Promise<string> {
  const code = randomBytes(16).toString('base64url');
  await db
    .insertInto('person_link')
    .values({
      code_hash: hash(code),
      kind: link.kind,
      target_id: link.targetId,
      expires_at: new Date(link.expiresAt).toISOString(),
      created_at: clock.now().toISOString(),
    })
    .execute();
  return code;
}

export type PersonLinkCheck =
  | { ok: true; targetId: number; usedAt: string | null; expiresAt: string }
  | { ok: false; reason: 'invalid' | 'expired' };

/** The thing a code names, if the code is one of ours, of this kind, and not expired. */
export async function resolvePersonLink(
  db: Db,
  kind: PersonLinkKind,
  code: string | null | undefined,
): Promise<PersonLinkCheck> {
  if (!code || !CODE.test(code)) return { ok: false, reason: 'invalid' };
  const row = await db
    .selectFrom('person_link')
    .select(['target_id', 'expires_at', 'used_at'])
    .where('code_hash', '=', hash(code))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.expires_at <= clock.now().toISOString()) return { ok: false, reason: 'expired' };
  return { ok: true, targetId: row.target_id, usedAt: row.used_at, expiresAt: row.expires_at };
}

/** Marks a link used (once): false when it already was. */
export async function usePersonLink(db: Db, kind: PersonLinkKind, code: string): Promise<boolean> {
  const result = await db
    .updateTable('person_link')
    .set({ used_at: clock.now().toISOString() })
    .where('code_hash', '=', hash(code))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Links of things removed (an erased person's registrations and appointments). */
export async function deletePersonLinks(db: Db, kind: PersonLinkKind, targetIds: number[]): Promise<void> {
  if (targetIds.length === 0) return;
  await db.deleteFrom('person_link').where('kind', '=', kind).where('target_id', 'in', targetIds).execute();
}

/**
 * createPersonLink for many targets in one statement a 500 (a job queuing thousands of reminders);
 * the codes come back in the same order.
 */
export async function createPersonLinks(
  db: Db,
  links: { kind: PersonLinkKind; targetId: number; expiresAt: Date | string }[],
): Promise<string[]> {
  const codes = links.map(() => randomBytes(16).toString('base64url'));
  const at = clock.now().toISOString();
  for (let i = 0; i < links.length; i += 500)
    await db
      .insertInto('person_link')
      .values(
        links.slice(i, i + 500).map((l, j) => ({
          code_hash: hash(codes[i + j] as string),
          kind: l.kind,
          target_id: l.targetId,
          expires_at: new Date(l.expiresAt).toISOString(),
          created_at: at,
        })),
      )
      .execute();
  return codes;
}
