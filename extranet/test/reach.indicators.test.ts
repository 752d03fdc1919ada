import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { exportTable } from '../src/features/reporting/exports.view.ts';
import { computeIndicators } from '../src/features/reporting/indicators.service.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

// « Venir et être joint » (issue 18 part 4): no-show rates of Parcours half-days and appointments
// by territory and advisor, and the messages to people by channel with their delivery rate.

const admin = { id: 'admin', role: 'admin' as const, territories: [] };
const douaisis = { id: 'alice', role: 'advisor' as const, territories: ['douaisis'] };
const AT = '2024-01-02T10:00:00.000Z';

describe.each(BACKENDS)('reach indicators (%s)', (backend) => {
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  let handle: ReturnType<Awaited<ReturnType<typeof throwawayDatabase>>['open']>;
  let db: Kysely<Database>;
  let n = 0;

  async function person(territory: string, email: string | null = null): Promise<number> {
    return insertPerson(db, AT, {
      first_name: 'Personne',
      last_name: 'Test',
      phone: `+3361${String(++n).padStart(7, '0')}`,
      email,
      territory,
    });
  }
  async function halfDays(personId: number, eventId: string, territory: string, by: string, marks: string[]) {
    const reg = await db
      .insertInto('registration')
      .values(
        registrationRow({
          reference: `R-${++n}`,
          person_id: personId,
          event_id: eventId,
          territory,
          status: 'accepted',
          decided_by: by,
          created_at: AT,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, status] of marks.entries())
      await db
        .insertInto('attendance')
        .values({
          registration_id: reg.id,
          slot_date: `2024-03-0${i + 1}`,
          slot_start: '09:00',
          status: status as 'present',
          recorded_by: by,
          recorded_at: AT,
        })
        .execute();
    return reg.id;
  }
  async function appointment(
    personId: number,
    territory: string,
    advisor: string,
    status: string,
    at: string,
  ) {
    await db
      .insertInto('appointment')
      .values({
        person_id: personId,
        advisor_id: advisor,
        territory,
        starts_at: at,
        duration_min: 60,
        place_kind: 'bureau',
        status: status as 'venu',
        created_at: AT,
        updated_at: AT,
      })
      .execute();
  }
  async function sms(personId: number, fields: Partial<Database['sms_message']> & { status: string }) {
    await db
      .insertInto('sms_message')
      .values({
        purpose: 'reminder',
        dedupe_key: `k-${++n}`,
        person_id: personId,
        to_phone: '+33612345678',
        text_body: 'Maillage : rappel',
        segments: 1,
        not_before: AT,
        created_at: AT,
        ...fields,
      } as never)
      .execute();
  }

  beforeAll(async () => {
    database = await throwawayDatabase(backend);
    handle = database.open();
    db = handle.db;
    await migrateToLatest(db);
    for (const [id, name] of [
      ['alice', 'Alice Conseil'],
      ['bruno', 'Bruno Conseil'],
    ])
      await db
        .insertInto('users')
        .values({
          id: id as string,
          name: name as string,
          email: `${id}@maillage.test`,
          emailVerified: 1,
          image: null,
          createdAt: AT,
          updatedAt: AT,
          twoFactorEnabled: 0,
          role: 'advisor',
          disabled: 0,
        })
        .execute();
    for (const [id, territory, kind] of [
      ['p-dou', 'douaisis', 'parcours'],
      ['p-val', 'valenciennois', 'parcours'],
      ['training', 'douaisis', 'formation'],
    ] as const)
      await upsertEventCopy(db, {
        documentId: id,
        title: id,
        kind: 'session',
        programKind: kind,
        programSlug: `${kind}-x`,
        territory,
        slots: [1, 2, 3, 4].map((d) => ({ date: `2024-03-0${d}`, start: '09:00', end: '12:00' })),
        capacity: 10,
        venue: {},
      });
    // Douaisis, Alice: 5 present, 1 excused, 2 absent → 2 / 7.
    const a = await person('douaisis', 'a@exemple.test');
    await halfDays(a, 'p-dou', 'douaisis', 'alice', ['present', 'present', 'excused', 'absent']);
    const b = await person('douaisis');
    await halfDays(b, 'p-dou', 'douaisis', 'alice', ['present', 'present', 'present', 'absent']);
    // Valenciennois, Bruno: 4 present.
    const c = await person('valenciennois');
    await halfDays(c, 'p-val', 'valenciennois', 'bruno', ['present', 'present', 'present', 'present']);
    // A training's absences are not Parcours no-shows.
    await halfDays(b, 'training', 'douaisis', 'alice', ['absent', 'absent']);
    // Appointments: Alice 2 came, 1 no-show, 1 excused, 1 cancelled, 1 planned; Bruno 1 no-show; one in 2023.
    for (const status of ['venu', 'venu', 'absent', 'excuse', 'annule', 'prevu'])
      await appointment(a, 'douaisis', 'alice', status, '2024-04-02T08:00:00.000Z');
    await appointment(c, 'valenciennois', 'bruno', 'absent', '2024-04-03T08:00:00.000Z');
    await appointment(a, 'douaisis', 'alice', 'absent', '2023-12-31T22:30:00.000Z'); // 2023-12-31 23:30 Paris
    // SMS: 3 sent by the provider (2 delivered, 1 not), 1 by hand, 1 waiting; one of Bruno's territory.
    await sms(a, { status: 'delivered', sent_at: AT, delivered_at: AT, segments: 2 });
    await sms(a, { status: 'delivered', sent_at: AT, delivered_at: AT });
    await sms(b, { status: 'manual', sent_at: AT, failed_at: AT, last_error: 'numéro invalide' });
    await sms(b, { status: 'done-by-hand' });
    await sms(b, { status: 'queued' });
    await sms(c, { status: 'delivered', sent_at: AT, delivered_at: AT });
  });

  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('counts no-shows per type, territory and advisor over everything with a final status (design §9)', async () => {
    const all = (await computeIndicators(db, admin, { year: 2024, territories: [] })).reach;
    expect(all.noShows.total.parcours).toMatchObject({ came: 9, excused: 1, noShow: 2 });
    expect(all.noShows.total.parcours.rate).toBeCloseTo(2 / 12);
    expect(all.noShows.total['rendez-vous']).toMatchObject({ came: 2, excused: 1, noShow: 2, cancelled: 1 });
    // the planned one has no final status yet: not counted
    expect(all.noShows.total['rendez-vous'].rate).toBeCloseTo(2 / 6);
    const alice = all.noShows.byAdvisor.filter((l) => l.key === 'alice');
    expect(alice.map((l) => [l.kind, l.advisorName, l.noShow])).toEqual([
      ['parcours', 'Alice Conseil', 2],
      ['rendez-vous', 'Alice Conseil', 1],
    ]);
    const val = all.noShows.byTerritory.find((l) => l.key === 'valenciennois' && l.kind === 'parcours');
    expect(val).toMatchObject({ came: 4, noShow: 0, rate: 0 });

    // An advisor of the Douaisis sees the Douaisis only.
    const mine = (await computeIndicators(db, douaisis, { year: 2024, territories: [] })).reach;
    expect(mine.noShows.total['rendez-vous']).toMatchObject({ came: 2, noShow: 1 });
    expect(mine.noShows.byAdvisor.some((l) => l.key === 'bruno')).toBe(false);
    // The appointment of 31 December 23:30 Paris counts in 2023.
    const before = (await computeIndicators(db, admin, { year: 2023, territories: [] })).reach;
    expect(before.noShows.total['rendez-vous']).toMatchObject({ came: 0, noShow: 1, rate: 1 });
  });

  it('counts SMS by outcome with the delivery rate, and the billed segments', async () => {
    const mine = (await computeIndicators(db, douaisis, { year: 2024, territories: [] })).reach;
    expect(mine.messages.sms).toMatchObject({
      total: 5,
      sent: 3,
      delivered: 2,
      notDelivered: 1,
      byHand: 1,
      // the queued one, and the undelivered one now waiting in « À appeler »
      waiting: 2,
      segments: 4,
    });
    expect(mine.messages.sms.rate).toBeCloseTo(2 / 3);
    const all = (await computeIndicators(db, admin, { year: 2024, territories: [] })).reach;
    expect(all.messages.sms.delivered).toBe(3);
  });

  it('puts the rates in the indicators export', async () => {
    const i = await computeIndicators(db, admin, { year: 2024, territories: [] });
    const rows = exportTable('indicateurs', i, null).rows as Record<string, unknown>[];
    const line = (label: string) => rows.find((r) => Object.values(r).includes(label));
    expect(Object.values(line('Rendez-vous — taux d’absence non prévenue (%)') ?? {})).toContain(33.3);
    expect(Object.values(line('SMS — taux de remise (%)') ?? {})).toContain(75);
  });
});
