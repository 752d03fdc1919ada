import { addDays, nowMs, parisDate, parisInstant, setClock } from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoRegistrations } from '../src/features/demo/demo.service.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { withMigratedDatabase } from './support/database.ts';
import { defaultNotifySettings } from './support/notify-settings.ts';
import { BACKENDS } from './support/server.ts';

afterEach(() => setClock(null));

describe.each(BACKENDS)('demo registrations on %s', (backend) => {
  it('waits, says so in French and tries again until the sessions open, then registers all six once', async () => {
    // 00:30 in Paris, summer: the first Paris hours are where the demo inbox used to stay empty.
    setClock('2027-07-14T00:30:00+02:00');
    await withMigratedDatabase(backend, async (db) => {
      const today = parisDate();
      const opensAt = parisInstant(addDays(today, 1), '00:00').toISOString();
      for (const id of ['demo-a', 'demo-b']) {
        await upsertEventCopy(db.db, {
          documentId: id,
          title: `Parcours ${id}`,
          kind: 'session',
          programKind: 'parcours',
          territory: 'valenciennois',
          slots: [{ date: addDays(today, 20), start: '09:00', end: '12:00' }],
          capacity: 10,
          venue: { name: 'Salle', address: '1 rue', postcode: '59300', commune: 'Valenciennes' },
          registrationOpensAt: opensAt,
          registrationClosesAt: parisInstant(addDays(today, 19), '18:00').toISOString(),
        });
      }
      const logs: string[] = [];
      const log = (m: string) => logs.push(m);
      // The six people's registrations (the sessions demo and the indicators' history have theirs).
      const sessionRegistrations = () =>
        db.db.selectFrom('registration').select('id').where('event_id', 'in', ['demo-a', 'demo-b']).execute();

      // Nothing is open yet: nothing stored, nothing marked as done, and the log says what waits.
      expect(await seedDemoRegistrations(db.db, db.kind, defaultNotifySettings(), log)).toEqual({
        arrived: 0,
        waiting: 6,
        done: false,
      });
      expect(logs.join('\n')).toMatch(/6 inscriptions de démonstration en attente/);
      expect(await sessionRegistrations()).toHaveLength(0);

      // A second pass while still closed: the same, never "ignorée" for good.
      expect((await seedDemoRegistrations(db.db, db.kind, defaultNotifySettings(), log)).done).toBe(false);

      // The next day the sessions open: the next pass registers the six people.
      setClock(new Date(Date.parse(opensAt) + 60_000));
      expect(nowMs()).toBeGreaterThan(Date.parse(opensAt));
      expect(await seedDemoRegistrations(db.db, db.kind, defaultNotifySettings(), log)).toEqual({
        arrived: 6,
        waiting: 0,
        done: true,
      });
      expect(await sessionRegistrations()).toHaveLength(6);

      // Once done, later passes add nothing.
      expect((await seedDemoRegistrations(db.db, db.kind, defaultNotifySettings(), log)).arrived).toBe(0);
      expect(await sessionRegistrations()).toHaveLength(6);
    });
  });
});
