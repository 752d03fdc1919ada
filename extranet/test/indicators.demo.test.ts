import { setClock } from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDemoHistory } from '../src/features/demo/history.service.ts';
import { markRemovedExcept } from '../src/features/events/events.repository.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import { listCaseload } from '../src/features/supports/supports.service.ts';
import { withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

afterEach(() => setClock(null));

const admin = { id: 'admin', role: 'admin' as const, territories: [] };

describe.each(BACKENDS)('demo history on %s', (backend) => {
  it('looks like a real year: no support open past 3 years, closed ones with an outcome, most contacted within 45 days', async () => {
    setClock('2026-12-02T10:00:00+01:00');
    await withMigratedDatabase(backend, async (db) => {
      expect(await seedDemoHistory(db.db)).toBe(true);
      const open = await listCaseload(db.db, admin, { advisorId: null });
      expect(open.length).toBeGreaterThan(10);
      // Every open support started within the last 3 years; none past them.
      expect(open.filter((s) => s.end.state === 'over')).toEqual([]);
      expect(open.every((s) => s.started_at >= '2023-12-02')).toBe(true);
      // Most were in touch within 45 days; a few are not, so the warning means something.
      const quiet = open.filter((s) => s.quiet).length;
      expect(quiet).toBeGreaterThan(0);
      expect(quiet / open.length).toBeLessThan(0.3);
      // Every closed support says how it ended.
      const closed = await db.db
        .selectFrom('support')
        .select(['outcome', 'end_reason', 'activity_name'])
        .where('ended_at', 'is not', null)
        .execute();
      expect(closed.length).toBeGreaterThan(5);
      for (const c of closed) {
        expect(c.outcome).not.toBeNull();
        if (c.outcome === 'arret') expect(c.end_reason).not.toBeNull();
      }
    });
  });

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
