import { describe, expect, it } from 'vitest';
import { benchPerson, benchRegistration, benchSession } from '../bench/rows.ts';
import { noShowRates } from '../src/features/reporting/no-show.rules.ts';
import { parcoursNoShowRates } from '../src/features/reporting/no-show.service.ts';
import { withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

/** The no-show rate of Parcours half-days: absent ÷ recorded, excused not a no-show (item 4). */

describe('no-show rate (rules)', () => {
  it('counts « absent » among recorded half-days; excused is recorded but not a no-show', () => {
    const rates = noShowRates([
      { territory: 'douaisis', advisorId: 'a1', status: 'present', n: 6 },
      { territory: 'douaisis', advisorId: 'a1', status: 'absent', n: 2 },
      { territory: 'douaisis', advisorId: 'a2', status: 'excused', n: 2 },
      { territory: 'cambresis', advisorId: 'a2', status: 'absent', n: 1 },
    ]);
    expect(rates.total).toEqual({ recorded: 11, absent: 3, excused: 2, rate: 3 / 11 });
    expect(rates.byTerritory.get('douaisis')).toEqual({ recorded: 10, absent: 2, excused: 2, rate: 0.2 });
    expect(rates.byTerritory.get('cambresis')?.rate).toBe(1);
    expect(rates.byAdvisor.get('a2')).toEqual({ recorded: 3, absent: 1, excused: 2, rate: 1 / 3 });
    expect(noShowRates([]).total.rate).toBeNull();
  });
});

describe.each(BACKENDS)('no-show rate on %s', (backend) => {
  it('reads accepted Parcours half-days of the period, by territory, within the scope', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const at = '2027-01-02T10:00:00.000Z';
      await db
        .insertInto('event_copy')
        .values([
          benchSession({
            id: 'p-val',
            title: 'P',
            territory: 'valenciennois',
            dates: ['2027-01-12', '2027-01-14'],
            capacity: 10,
            at,
          }),
          benchSession({
            id: 'p-camb',
            title: 'P',
            territory: 'cambresis',
            dates: ['2027-01-13'],
            capacity: 10,
            at,
          }),
          {
            ...benchSession({
              id: 'p-off',
              title: 'P',
              territory: 'cambresis',
              dates: ['2027-01-13'],
              capacity: 10,
              at,
            }),
            cancelled: 1,
          },
        ])
        .execute();
      const persons = await db
        .insertInto('person')
        .values([0, 1, 2, 3, 4].map((i) => benchPerson(i, 'valenciennois', at, 30_000_000)))
        .returning('id')
        .execute();
      const reg = async (i: number, event: string, status: 'accepted' | 'cancelled' = 'accepted') =>
        (
          await db
            .insertInto('registration')
            .values(
              benchRegistration({
                reference: `R-${i}`,
                person_id: persons[i]!.id,
                event_id: event,
                territory: null,
                created_at: at,
                status,
              }),
            )
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      const [a, b, c, d, e] = [
        await reg(0, 'p-val'),
        await reg(1, 'p-val'),
        await reg(2, 'p-camb'),
        await reg(3, 'p-off'),
        await reg(4, 'p-val', 'cancelled'),
      ];
      const mark = (
        registration_id: number,
        slot_date: string,
        status: 'present' | 'absent' | 'excused',
      ) => ({
        registration_id,
        slot_date,
        slot_start: '09:00',
        status,
        recorded_by: null,
        recorded_at: at,
      });
      await db
        .insertInto('attendance')
        .values([
          mark(a, '2027-01-12', 'present'),
          mark(a, '2027-01-14', 'absent'),
          mark(b, '2027-01-12', 'excused'),
          mark(b, '2027-01-14', 'absent'),
          mark(c, '2027-01-13', 'absent'),
          mark(d, '2027-01-13', 'absent'), // a cancelled session: not counted
          mark(e, '2027-01-12', 'absent'), // a cancelled registration: not counted
        ])
        .execute();
      const all = await parcoursNoShowRates(db, { from: '2027-01-01', to: '2027-02-01' }, null);
      expect(all.total).toEqual({ recorded: 5, absent: 3, excused: 1, rate: 0.6 });
      expect(all.byTerritory.get('valenciennois')).toEqual({ recorded: 4, absent: 2, excused: 1, rate: 0.5 });
      expect(all.byAdvisor.get(null)?.recorded).toBe(5);
      // The period is by half-day date, `to` excluded; the scope keeps its territories only.
      expect(
        (await parcoursNoShowRates(db, { from: '2027-01-13', to: '2027-01-14' }, null)).total.recorded,
      ).toBe(1);
      const camb = await parcoursNoShowRates(db, { from: '2027-01-01', to: '2027-02-01' }, ['cambresis']);
      expect([...camb.byTerritory.keys()]).toEqual(['cambresis']);
      expect(
        (await parcoursNoShowRates(db, { from: '2027-01-01', to: '2027-02-01' }, [])).total.rate,
      ).toBeNull();
    });
  });
});
