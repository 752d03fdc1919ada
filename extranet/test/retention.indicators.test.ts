import { setClock } from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../src/features/demo/history.service.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import { runRetention } from '../src/features/retention/retention.job.ts';
import { ERASED_FIRST_NAME } from '../src/features/retention/retention.rules.ts';
import { withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

afterEach(() => setClock(null));

const admin = { id: 'admin', role: 'admin' as const, territories: [] };

// Issue 12 item 1 with issue 11's one computation: the retention job erases the people of the
// 2022 demo year (their last contact is years old), and every past year's figures stay the same.
describe.each(BACKENDS)('retention and indicators on %s', (backend) => {
  it('keeps every past year’s indicators identical after the retention job erases the 2022 people', async () => {
    setClock('2026-12-02T00:30:00+01:00');
    await withMigratedDatabase(backend, async (db) => {
      expect(await seedDemoHistory(db.db)).toBe(true);
      const years = [2022, 2025, 2026];
      const figures = async () =>
        Promise.all(
          years.map(async (year) => {
            const i = await computeIndicators(db.db, admin, { year, territories: [] });
            // Everything but the targets' metadata: the figures a funder reads.
            return {
              parcours: i.parcours,
              supports: i.supports,
              trainings: i.trainings,
              requests: i.requests,
            };
          }),
        );
      const before = await figures();
      expect(before[0]!.parcours.participants).toBe(39);
      expect(before[0]!.parcours.rsa).toBe(31);

      const report = await runRetention(db.db);
      expect(report.persons).toBeGreaterThan(30);
      const erased = await db.db
        .selectFrom('person')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('first_name', '=', ERASED_FIRST_NAME)
        .executeTakeFirstOrThrow();
      expect(Number(erased.n)).toBe(report.persons);

      expect(await figures()).toEqual(before);
    });
  });
});
