/**
 * The appointments' reminders and calendars, in process with the clock set by the test: two days
 * before at 09:00 and the morning at 08:00 (Paris), winter and summer, once however often and on
 * however many instances the job runs, fast on 10,000 appointments; and the feed's UTC instants
 * across a change of time.
 */
import { parisDate, parisInstant, setClock } from '@maillage/platform/clock';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import ICAL from 'ical.js';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database, PlaceKind } from '../src/db/database.ts';
import { agendaWeek, statusNudge } from '../src/features/appointments/agenda.view.ts';
import { mondayOf } from '../src/features/appointments/appointments.rules.ts';
import { createFeed, feedCalendar } from '../src/features/appointments/feed.service.ts';
import { queueAppointmentReminders } from '../src/features/appointments/messages.service.ts';
import { appointmentSms, type PersonPurpose } from '../src/features/appointments/messages.ts';
import { seedDemoAppointments } from '../src/features/demo/followup-appointments.service.ts';
import { seedDemoFollowUp } from '../src/features/demo/followup-people.service.ts';
import { twoInstances, withMigratedDatabase } from './support/database.ts';
import { parisWallClock } from './support/ics.ts';
import { defaultNotifySettings } from './support/notify-settings.ts';
import { BACKENDS } from './support/server.ts';

afterEach(() => setClock(null));

const settings = defaultNotifySettings();

async function seedAdvisor(db: Kysely<Database>, id = 'adv-1') {
  const at = new Date('2026-01-01T00:00:00Z').toISOString();
  await db
    .insertInto('users')
    .values({
      id,
      name: `Conseillère ${id}`,
      email: `${id}@maillage.test`,
      emailVerified: 1,
      image: null,
      createdAt: at,
      updatedAt: at,
      twoFactorEnabled: 0,
      role: 'advisor',
      disabled: 0,
    })
    .execute()
    .catch(async () => {
      // PostgreSQL's better-auth columns are booleans and timestamps
      await db
        .insertInto('users')
        .values({
          id,
          name: `Conseillère ${id}`,
          email: `${id}@maillage.test`,
          emailVerified: true,
          image: null,
          createdAt: new Date(at),
          updatedAt: new Date(at),
          twoFactorEnabled: false,
          role: 'advisor',
          disabled: false,
        })
        .execute();
    });
  return id;
}

async function seedPerson(
  db: Kysely<Database>,
  values: {
    first_name?: string;
    last_name?: string;
    preferred_contact?: 'email' | 'sms' | 'appel' | 'sms-email';
  } = {},
) {
  const at = '2026-01-01T00:00:00.000Z';
  const row = await db
    .insertInto('person')
    .values({
      first_name: values.first_name ?? 'Awa',
      last_name: values.last_name ?? 'Diallo',
      phone: '+33612345678',
      email: 'awa@exemple.test',
      commune_insee: '59606',
      commune_name: 'Valenciennes',
      territory: 'valenciennois',
      situation_rsa: 'oui',
      situation_job_seeker: 'non',
      preferred_contact: values.preferred_contact ?? 'email',
      consent_at: at,
      last_contact_at: at,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Appointments at these Paris times, booked `bookedAt`. */
async function seedAppointments(
  db: Kysely<Database>,
  personId: number,
  advisorId: string,
  starts: Date[],
  bookedAt: string,
) {
  for (let i = 0; i < starts.length; i += 500)
    await db
      .insertInto('appointment')
      .values(
        starts.slice(i, i + 500).map((s) => ({
          person_id: personId,
          support_id: null,
          advisor_id: advisorId,
          territory: 'valenciennois',
          starts_at: s.toISOString(),
          duration_min: 30,
          place_kind: 'bureau' as const,
          place_detail: null,
          created_by: advisorId,
          created_at: bookedAt,
          updated_at: bookedAt,
        })),
      )
      .execute();
}

const remindersIn = (db: Kysely<Database>) =>
  db
    .selectFrom('outbox')
    .select(['subject', 'to_address', 'text_body'])
    .where('kind', '=', 'appointment')
    .execute();

/** Runs the job as if at this Paris time. */
async function runAt(db: Kysely<Database>, date: string, time: string) {
  const at = parisInstant(date, time);
  setClock(at);
  return queueAppointmentReminders(db, settings, at);
}

describe('appointment SMS', () => {
  it('are GSM-7 and one segment with the longest real values (every purpose, place and weekday, a long link)', () => {
    const team = {
      name: 'Maillage — équipe Pévèle-Carembault',
      email: '',
      phone: '+33327000003',
      associationPhone: '',
    };
    const longest = 'x'.repeat(200);
    let longestText = '';
    for (const purpose of [
      'confirmation',
      'change',
      'cancel',
      'reminder-2d',
      'reminder-day',
    ] as PersonPurpose[])
      for (const place_kind of ['bureau', 'partenaire', 'telephone', 'visio'] as PlaceKind[])
        for (const detail of [null, 'Mission locale, 3 rue Ferrand', longest])
          for (let d = 0; d < 7; d++) {
            const text = appointmentSms(
              {
                id: 123456,
                starts_at: parisWallClock(
                  `2027-12-${String(20 + d).padStart(2, '0')}`,
                  '23:55',
                ).toISOString(),
                duration_min: 90,
                place_kind,
                place_detail: detail,
                status: 'prevu',
                sequence: 3,
                firstName: 'Marie-Françoise-Bénédicte',
                email: null,
                advisorName: 'Anne-Charlotte de La Rochefoucauld',
                advisorEmail: 'a@maillage.test',
                team,
                mailFrom: null,
                cancelUrl: `https://extranet.association-maillage-hauts-de-france.org/a/${'A'.repeat(22)}`,
                host: 'extranet.association-maillage-hauts-de-france.org',
              },
              purpose,
            );
            expect(toGsm7(text)).toBe(text);
            expect(smsSegments(text)).toMatchObject({ encoding: 'gsm7', segments: 1 });
            if (text.length > longestText.length) longestText = text;
          }
    expect(longestText.length).toBeLessThanOrEqual(160);
    // A short detail fits and is given; a cut address would mislead, so a long one is left out.
    const short = appointmentSms(
      {
        id: 1,
        starts_at: parisWallClock('2027-01-14', '10:00').toISOString(),
        duration_min: 60,
        place_kind: 'partenaire',
        place_detail: 'Mission locale, 3 rue Ferrand',
        status: 'prevu',
        sequence: 0,
        firstName: 'Awa',
        email: null,
        advisorName: 'Camille',
        advisorEmail: '',
        team,
        mailFrom: null,
        cancelUrl: 'https://extranet.test/a/AAAAAAAAAAAAAAAAAAAAAA',
        host: 'extranet.test',
      },
      'confirmation',
    );
    expect(short).toBe(
      'Maillage: RDV confirmé jeudi 14/01 à 10h00, chez le partenaire: Mission locale, 3 rue Ferrand. Annuler: https://extranet.test/a/AAAAAAAAAAAAAAAAAAAAAA',
    );
    // A detail too long for one SMS: the link's page gives it, and the SMS says so.
    const subject = {
      id: 1,
      starts_at: parisWallClock('2027-01-14', '10:00').toISOString(),
      duration_min: 60,
      place_kind: 'partenaire' as const,
      place_detail:
        'Maison France Services de la Communauté de communes Cœur d’Ostrevent, 12 rue Jean Jaurès, 59287 Guesnain',
      status: 'prevu',
      sequence: 0,
      firstName: 'Awa',
      email: null,
      advisorName: 'Camille',
      advisorEmail: '',
      team,
      mailFrom: null,
      cancelUrl: 'https://extranet.maillage-asso.fr/a/AAAAAAAAAAAAAAAAAAAAAA',
      host: 'extranet.maillage-asso.fr',
    };
    expect(appointmentSms(subject, 'reminder-2d')).toBe(
      'Maillage: Rappel RDV jeudi 14/01 à 10h00, chez le partenaire. Adresse et annulation: https://extranet.maillage-asso.fr/a/AAAAAAAAAAAAAAAAAAAAAA',
    );
    // Cancelled: whom to call, with the number (an SMS from « Maillage » cannot be answered).
    expect(appointmentSms({ ...subject, cancelUrl: null }, 'cancel')).toBe(
      'Maillage: RDV annulé jeudi 14/01 à 10h00, chez le partenaire. Pour un autre RDV, appelez Maillage au 03 27 00 00 03.',
    );
  });
});

describe.each(BACKENDS)('appointment reminders on %s', (backend) => {
  it('queues the reminder by SMS for someone who prefers SMS: without a provider it waits in « À appeler », once', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db, { preferred_contact: 'sms' });
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-07-15', '10:00')],
        '2027-07-01T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-07-13', '09:00')).toBe(1);
      expect(await runAt(db, '2027-07-13', '09:30')).toBe(0);
      const sms = await db.selectFrom('sms_message').selectAll().execute();
      expect(sms).toHaveLength(1);
      expect(sms[0]).toMatchObject({
        status: 'manual',
        purpose: 'appointment-reminder',
        segments: 1,
        to_phone: '+33612345678',
      });
      expect(sms[0]?.text_body).toMatch(
        /^Maillage: Rappel RDV jeudi 15\/07 à 10h00, au bureau Maillage\. Annuler: http:\/\/localhost:4322\/a\/[A-Za-z0-9_-]{22}$/,
      );
      expect(await remindersIn(db)).toHaveLength(0);
      const claim = await db.selectFrom('appointment_message').selectAll().executeTakeFirstOrThrow();
      expect(claim).toMatchObject({ channel: 'sms', outcome: 'manual' });
    });
  });

  for (const [season, day, twoDaysBefore] of [
    ['winter', '2027-01-14', '2027-01-12'],
    ['summer', '2027-07-15', '2027-07-13'],
  ] as const) {
    it(`reminds 2 days before at 09:00 and the morning at 08:00, Paris time, once (${season})`, async () => {
      await withMigratedDatabase(backend, async ({ db }) => {
        const advisor = await seedAdvisor(db);
        const person = await seedPerson(db);
        await seedAppointments(
          db,
          person,
          advisor,
          [parisWallClock(day, '10:00')],
          '2027-01-02T10:00:00.000Z',
        );
        expect(await runAt(db, twoDaysBefore, '08:59')).toBe(0);
        expect(await runAt(db, twoDaysBefore, '09:00')).toBe(1);
        expect(await runAt(db, twoDaysBefore, '09:15')).toBe(0);
        expect(await runAt(db, twoDaysBefore, '23:30')).toBe(0);
        expect(await runAt(db, day, '00:30')).toBe(0);
        expect(await runAt(db, day, '07:59')).toBe(0);
        expect(await runAt(db, day, '08:00')).toBe(1);
        expect(await runAt(db, day, '08:05')).toBe(0);
        const mails = await remindersIn(db);
        expect(mails.map((m) => m.subject)).toEqual([
          expect.stringContaining('Rappel : votre rendez-vous du'),
          expect.stringContaining('Rappel : votre rendez-vous aujourd’hui du'),
        ]);
        expect(mails[0]?.text_body).toContain('à 10 h');
        expect(mails[0]?.text_body).toMatch(/\/a\/[A-Za-z0-9_-]{22}/);
      });
    });
  }

  it('sends no reminder at night or on a Sunday (the Saturday instead), nor to someone booked after its time', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db);
      // Tuesday 19 January: two days before is Sunday 17 → Saturday 16 at 09:00.
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-19', '14:00')],
        '2027-01-02T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-01-17', '09:00')).toBe(0);
      expect(await runAt(db, '2027-01-16', '09:00')).toBe(1);
      // Booked at 10:00 on the day of the two-day reminder: its confirmation has just arrived.
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-21', '15:00')],
        parisInstant('2027-01-19', '10:00').toISOString(),
      );
      expect(await runAt(db, '2027-01-19', '11:00')).toBe(1); // the morning one of the 19th, only
      const claims = await db.selectFrom('appointment_message').select('dedupe_key').execute();
      expect(claims.map((c) => c.dedupe_key.split(':')[0])).toEqual(['reminder-2d', 'reminder-day']);
      // A job down all day does not send at 21:00.
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-22', '15:00')],
        '2027-01-02T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-01-20', '21:00')).toBe(0);
    });
  });

  it('sends no SMS to someone who answered STOP, and the claim says so', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db, { preferred_contact: 'sms' });
      await db
        .updateTable('person')
        .set({ sms_opt_out_at: '2027-01-01T10:00:00.000Z' })
        .where('id', '=', person)
        .execute();
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-14', '10:00')],
        '2027-01-02T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-01-12', '09:00')).toBe(1);
      expect(await db.selectFrom('sms_message').select('id').execute()).toEqual([]);
      expect(await db.selectFrom('appointment_message').select(['channel', 'outcome']).execute()).toEqual([
        { channel: 'sms', outcome: 'opted-out' },
      ]);
    });
  });

  it('reminds someone who chose « SMS et e-mail » by both, each once', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db, { preferred_contact: 'sms-email' });
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-14', '10:00')],
        '2027-01-02T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-01-12', '09:00')).toBe(2);
      expect(await runAt(db, '2027-01-12', '09:05')).toBe(0);
      expect(await remindersIn(db)).toHaveLength(1);
      expect(await db.selectFrom('sms_message').select('status').execute()).toEqual([{ status: 'manual' }]);
    });
  });

  it('queues nothing by e-mail for someone who prefers a call: the claim says so for the page', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db, { preferred_contact: 'appel' });
      await seedAppointments(
        db,
        person,
        advisor,
        [parisWallClock('2027-01-14', '10:00')],
        '2027-01-02T10:00:00.000Z',
      );
      expect(await runAt(db, '2027-01-12', '09:00')).toBe(1);
      expect(await remindersIn(db)).toHaveLength(0);
      const claim = await db.selectFrom('appointment_message').selectAll().executeTakeFirstOrThrow();
      expect(claim).toMatchObject({ purpose: 'reminder-2d', channel: 'appel', outcome: 'none' });
    });
  });

  it('queues each reminder once when two instances run the job at the same time', async () => {
    const { one, two, close } = await twoInstances(backend);
    try {
      const advisor = await seedAdvisor(one.db);
      const person = await seedPerson(one.db);
      const starts = Array.from(
        { length: 200 },
        (_, i) => new Date(parisWallClock('2027-01-14', '08:30').getTime() + i * 60_000),
      );
      await seedAppointments(one.db, person, advisor, starts, '2027-01-02T10:00:00.000Z');
      const at = parisInstant('2027-01-12', '09:00');
      setClock(at);
      // PostgreSQL: at the same time. SQLite: one after the other — better-sqlite3 blocks its thread
      // while it waits for the file's lock, so two connections of ONE process cannot wait on each
      // other; two processes do (BEGIN IMMEDIATE), which the unique key makes safe all the same.
      const run = (db: Kysely<Database>) => queueAppointmentReminders(db, settings, at);
      const results =
        backend === 'postgres'
          ? await Promise.all([run(one.db), run(two.db)])
          : [await run(one.db), await run(two.db)];
      expect(results.reduce((a, b) => a + b, 0)).toBe(200);
      expect(await remindersIn(one.db)).toHaveLength(200);
      expect(await queueAppointmentReminders(two.db, settings, at)).toBe(0);
    } finally {
      await close();
    }
  });

  it('queues 10,000 reminders due the same morning in under 5 seconds, then none again', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db);
      const starts = Array.from(
        { length: 10_000 },
        (_, i) =>
          new Date(
            parisWallClock('2027-01-14', '08:30').getTime() + (i % 600) * 60_000 + Math.floor(i / 600),
          ),
      );
      await seedAppointments(db, person, advisor, starts, '2027-01-02T10:00:00.000Z');
      const at = parisInstant('2027-01-12', '09:00');
      setClock(at);
      const t0 = performance.now();
      expect(await queueAppointmentReminders(db, settings, at)).toBe(10_000);
      const took = performance.now() - t0;
      expect(took).toBeLessThan(5_000);
      expect(await queueAppointmentReminders(db, settings, at)).toBe(0);
      const n = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(10_000);
      console.log(`[bench] ${backend} : 10 000 rappels en ${Math.round(took)} ms`);
    });
  }, 120_000);

  it('writes the feed in UTC instants that stay right across the changes of time (March and October)', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const advisor = await seedAdvisor(db);
      const person = await seedPerson(db, { first_name: 'Élodie', last_name: 'Vandenberghe' });
      const days = ['2027-03-27', '2027-03-29', '2027-10-30', '2027-11-01'];
      await seedAppointments(
        db,
        person,
        advisor,
        days.map((d) => parisWallClock(d, '10:00')),
        '2027-03-01T10:00:00.000Z',
      );
      // Another advisor's appointment the same day: not in this feed.
      const other = await seedAdvisor(db, 'adv-2');
      await seedAppointments(
        db,
        person,
        other,
        [parisWallClock('2027-03-27', '15:00')],
        '2027-03-01T10:00:00.000Z',
      );
      setClock(parisInstant('2027-03-20', '10:00'));
      const token = await createFeed(db, { id: advisor, role: 'advisor', territories: ['valenciennois'] });
      const startsIn = (ics: string) =>
        new ICAL.Component(ICAL.parse(ics))
          .getAllSubcomponents('vevent')
          .map((v) => new ICAL.Event(v).startDate.toJSDate().toISOString());
      const ics = (await feedCalendar(db, token, 'extranet.test')) as string;
      // 10:00 Paris: UTC+1 before the last Sunday of March, UTC+2 after it.
      expect(startsIn(ics)).toEqual(['2027-03-27T09:00:00.000Z', '2027-03-29T08:00:00.000Z']);
      // -30 to +180 days: March has left the window in October; the last Sunday of October goes back to UTC+1.
      setClock(parisInstant('2027-10-20', '10:00'));
      expect(startsIn((await feedCalendar(db, token, 'extranet.test')) as string)).toEqual([
        '2027-10-30T08:00:00.000Z',
        '2027-11-01T09:00:00.000Z',
      ]);
      expect(ics).toContain('SUMMARY:RDV Élodie V.');
      expect(ics).not.toContain('Vandenberghe');
      const forged = `${token.slice(0, 42)}${token.endsWith('A') ? 'B' : 'A'}`;
      expect(await feedCalendar(db, forged, 'extranet.test')).toBeNull();
    });
  });

  for (const at of ['2027-01-13T00:30:00+01:00', '2027-07-14T23:30:00+02:00'])
    it(`gives the demo advisor appointments today and this week, one past without status, one no-show, one excused (clock ${at})`, async () => {
      setClock(at);
      await withMigratedDatabase(backend, async ({ db }) => {
        const advisor = await seedAdvisor(db, 'conseiller');
        await db
          .insertInto('user_territory')
          .values([
            { user_id: advisor, territory: 'valenciennois' },
            { user_id: advisor, territory: 'douaisis' },
          ])
          .execute();
        await seedDemoFollowUp(db, 'conseiller@maillage.test');
        expect(await seedDemoAppointments(db, 'conseiller@maillage.test')).toBe(9);
        expect(await seedDemoAppointments(db, 'conseiller@maillage.test')).toBe(0);
        const viewer = { id: advisor, role: 'advisor' as const, territories: ['valenciennois', 'douaisis'] };
        const week = await agendaWeek(db, viewer, { monday: mondayOf(parisDate()), advisorId: null });
        const today = week.days.find((d) => d.today);
        expect(today?.appointments.map((a) => a.from)).toEqual(['14:00', '16:00']);
        expect(week.conflicts).toBe(false);
        expect(await statusNudge(db, viewer)).toMatchObject({ count: 1 });
        const statuses = await db.selectFrom('appointment').select('status').execute();
        expect(statuses.map((r) => r.status).sort()).toEqual([
          'absent',
          'excuse',
          'prevu',
          'prevu',
          'prevu',
          'prevu',
          'prevu',
          'prevu',
          'venu',
        ]);
      });
    });
});
