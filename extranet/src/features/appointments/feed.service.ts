import { createHash, randomBytes } from 'node:crypto';
import { now } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { feedOwner, feedRows, findLiveFeed, insertFeed, revokeFeeds } from './appointments.repository.ts';
import { appointmentCalendar } from './calendar.ts';

/*
 * An advisor's private calendar feed (`/api/agenda/<token>.ics`), for their phone's calendar. The
 * token (32 random bytes, base64url) is shown once; only its SHA-256 is stored and a feed is found
 * by that hash. One live feed per advisor: creating one revokes the previous.
 */

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const DAY_MS = 86_400_000;

/** Creates (or re-creates) the viewer's feed; returns the token, to show once. */
export async function createFeed(db: Kysely<Database>, viewer: Viewer): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.transaction().execute(async (trx) => {
    const at = now().toISOString();
    const revoked = await revokeFeeds(trx, viewer.id, at);
    await insertFeed(trx, { user_id: viewer.id, token_hash: hashOf(token), created_at: at });
    await audit(trx, {
      actorId: viewer.id,
      action: 'calendar-feed.create',
      entityType: 'user',
      entityId: viewer.id,
      details: { replaced: revoked },
    });
  });
  return token;
}

export async function revokeFeed(db: Kysely<Database>, viewer: Viewer): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const revoked = await revokeFeeds(trx, viewer.id, now().toISOString());
    if (revoked)
      await audit(trx, {
        actorId: viewer.id,
        action: 'calendar-feed.revoke',
        entityType: 'user',
        entityId: viewer.id,
      });
  });
}

/** Whether the viewer has a live feed, and since when. */
export const feedStatus = (db: Kysely<Database>, viewer: Viewer) => findLiveFeed(db, viewer.id);

/**
 * The feed's calendar: the owner's appointments from 30 days ago to 180 days ahead, each named by
 * the person's first name and the initial of their last name only. Null for an unknown or revoked
 * token, or a disabled account.
 */
export async function feedCalendar(
  db: Kysely<Database>,
  token: string,
  host: string,
): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  const owner = await feedOwner(db, hashOf(token));
  if (!owner || owner.disabled) return null;
  const at = now();
  const rows = await feedRows(
    db,
    owner.user_id,
    new Date(at.getTime() - 30 * DAY_MS).toISOString(),
    new Date(at.getTime() + 180 * DAY_MS).toISOString(),
  );
  return appointmentCalendar(
    rows.map((r) => ({
      ...r,
      summary: `RDV ${r.first_name}${r.last_name ? ` ${r.last_name.charAt(0)}.` : ''}`,
    })),
    { method: 'PUBLISH', name: 'Mes rendez-vous Maillage', host, now: at },
  );
}
