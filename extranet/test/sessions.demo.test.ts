import { parisDate } from '@maillage/platform/clock';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PARCOURS_ID,
  seedDemoFollowupSessions,
} from '../src/features/demo/followup-sessions.service.ts';
import { markRemovedExcept } from '../src/features/events/events.repository.ts';
import { halfDays, loadRoster } from '../src/features/sessions/sessions.repository.ts';
import { withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

describe.each(BACKENDS)('sessions demo data on %s', (backend) => {
  it('shows a Parcours in progress with attendance partly recorded and a professional kept informed, seeded once', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      await Promise.all([seedDemoFollowupSessions(db), seedDemoFollowupSessions(db)]);
      // A CMS refresh marks it removed; the next seeding brings it back, adding nobody twice.
      await markRemovedExcept(db, ['another']);
      await seedDemoFollowupSessions(db);
      const event = await db
        .selectFrom('event_copy')
        .selectAll()
        .where('document_id', '=', DEMO_PARCOURS_ID)
        .executeTakeFirstOrThrow();
      expect(event.removed).toBe(0);
      const days = halfDays(event);
      const today = parisDate();
      expect(days.filter((d) => d.date < today)).toHaveLength(3);
      expect(days.filter((d) => d.date > today)).toHaveLength(3);
      const roster = await loadRoster(db, event);
      expect(roster.accepted).toHaveLength(7);
      expect(roster.waitlisted).toHaveLength(1);
      const recorded = roster.accepted.map((r) => Object.keys(r.attendance).length);
      expect(Math.min(...recorded)).toBeLessThan(3);
      expect(Math.max(...recorded)).toBe(3);
      expect(roster.accepted.filter((r) => r.keepInformed).map((r) => r.prescriberOrganisation)).toEqual([
        'France Travail Valenciennes',
      ]);
    });
  });
});
