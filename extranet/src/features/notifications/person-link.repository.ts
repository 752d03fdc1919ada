import { createHash, randomBytes } from 'node:crypto';
import { now } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database, PersonLinkTable } from '../../db/database.ts';

type Db = Kysely<Database> | Transaction<Database>;

/*
 * Short unguessable links sent to a person (`/a/<code>`): 16 random bytes in base64url (22
 * characters, short enough for an SMS), of which only the SHA-256 is stored — a copy of the
 * database gives no working link. Looked up by hash (an indexed equality), so nothing is compared
 * byte by byte in a way that could leak timing.
 */

const CODE = /^[A-Za-z0-9_-]{22}$/;
const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

export async function createPersonLink(
  db: Db,
  link: { kind: PersonLinkTable['kind']; targetId: number; expiresAt: string },
): Promise<string> {
  const code = randomBytes(16).toString('base64url');
  await db
    .insertInto('person_link')
    .values({
      code_hash: hashOf(code),
      kind: link.kind,
      target_id: link.targetId,
      expires_at: link.expiresAt,
      created_at: now().toISOString(),
    })
    .execute();
  return code;
}

/** The link's target when the code is one of ours, of that kind, not expired and not used. */
export async function resolvePersonLink(
  db: Db,
  kind: PersonLinkTable['kind'],
  code: string,
): Promise<{ targetId: number } | null> {
  if (!CODE.test(code)) return null;
  const row = await db
    .selectFrom('person_link')
    .select(['target_id', 'expires_at', 'used_at'])
    .where('code_hash', '=', hashOf(code))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row || row.used_at || row.expires_at <= now().toISOString()) return null;
  return { targetId: row.target_id };
}

/** Marks the link used, once: false when it was already used (two clicks, two instances). */
export async function usePersonLink(db: Db, kind: PersonLinkTable['kind'], code: string): Promise<boolean> {
  if (!CODE.test(code)) return false;
  const result = await db
    .updateTable('person_link')
    .set({ used_at: now().toISOString() })
    .where('code_hash', '=', hashOf(code))
    .where('kind', '=', kind)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now().toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** createPersonLink for many targets in one statement; the codes in the same order. */
export async function createPersonLinks(
  db: Db,
  links: { kind: PersonLinkTable['kind']; targetId: number; expiresAt: string }[],
): Promise<string[]> {
  const codes = links.map(() => randomBytes(16).toString('base64url'));
  const at = now().toISOString();
  for (let i = 0; i < links.length; i += 500)
    await db
      .insertInto('person_link')
      .values(
        links.slice(i, i + 500).map((l, j) => ({
          code_hash: hashOf(codes[i + j] as string),
          kind: l.kind,
          target_id: l.targetId,
          expires_at: l.expiresAt,
          created_at: at,
        })),
      )
      .execute();
  return codes;
}
