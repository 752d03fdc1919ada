import type { Kysely, Transaction } from 'kysely';
import type { Database, EventCopy } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { canSeeTerritory } from '../auth/viewer.ts';
import { parseVenue, type Venue } from '../events/events.repository.ts';
import { type HalfDay, halfDays } from './half-days.ts';

// The sessions' entry module: the list (sessions.list.ts), a roster (roster.ts), the half-days
// (half-days.ts) and one session for a viewer; pages import them from here.
export { type HalfDay, halfDays } from './half-days.ts';
export { loadRoster, type RosterEntry } from './roster.ts';
export { listSessions } from './sessions.list.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The session, or undefined when it does not exist or the viewer may not see it (same answer). */
export async function getSessionForViewer(
  db: Db,
  viewer: Viewer,
  documentId: string,
): Promise<EventCopy | undefined> {
  const event = await db
    .selectFrom('event_copy')
    .selectAll()
    .where('document_id', '=', documentId)
    .executeTakeFirst();
  if (!event || !canSeeTerritory(viewer, event.territory)) return undefined;
  return event;
}

export interface SessionView {
  id: string;
  title: string;
  territoryName: string | null;
  venue: Venue;
  halfDays: HalfDay[];
}

export function sessionView(event: EventCopy): SessionView {
  return {
    id: event.document_id,
    title: event.title,
    territoryName: event.territory_name,
    venue: parseVenue(event),
    halfDays: halfDays(event),
  };
}
