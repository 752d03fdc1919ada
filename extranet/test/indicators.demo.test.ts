import { setClock } from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../src/features/demo/history.service.ts';
import { markRemovedExcept } from '../src/features/events/events.repository.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import { withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

afterEach(() => setClock(null));

const admin = { id: 'admin', role: 'admin' as const, territories: [] };

describe.each(BACKENDS)('demo history on %s', (backend) => {
  it('reproduces 2022 exactly — 6 Parcours, 39 participants, 31 on the RSA, 11 holders, 6 trained — even once the CMS no longer publishes those sessions', async () => {
    setClock('2026-12-02T10:00:00+01:00');
    await withMigratedDatabase(backend, async (db) => {
      expect(await seedDemoHistory(db.db)).toBe(true);
      // Twice, or two instances at once: written once.
      expect(await seedDemoHistory(db.db)).toBe(false);
      const check = async () => {
        const i = await computeIndicators(db.db, admin, { year: 2022, territories: [] });
        expect(i.parcours.sessions).toBe(6);
        expect(i.parcours.sessionsByVariant).toEqual({ emploi: 2, creation: 2, competences: 2, autre: 0 });
        expect(i.parcours.participants).toBe(39);
        expect(i.parcours.rsa).toBe(31);
        expect(i.supports.holders).toBe(11);
        expect(i.supports.byPhase.maturation + i.supports.byPhase.developpement).toBe(11);
        expect(i.trainings).toEqual({ sessions: 1, participants: 6 });
        expect(i.targets).toEqual({ parcoursParticipants: 55, projectHolders: 20 });
        return i;
      };
      await check();
      // The next CMS refresh publishes only upcoming sessions: the past ones are marked removed.
      await markRemovedExcept(db.db, ['some-upcoming-session']);
      expect(
        await db.db.selectFrom('event_copy').select('document_id').where('removed', '=', 0).execute(),
      ).toEqual([]);
      await check();
      // 2025 and the current year have something to compare with.
      const y2025 = await computeIndicators(db.db, admin, { year: 2025, territories: [] });
      expect(y2025.parcours.participants).toBeGreaterThan(30);
      expect(y2025.supports.holders).toBeGreaterThan(10);
      const y2026 = await computeIndicators(db.db, admin, { year: 2026, territories: [] });
      expect(y2026.parcours.participants).toBeGreaterThan(0);
    });
  });
});
