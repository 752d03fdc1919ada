import { addDays, parisInstant, setClock } from '@maillage/platform/clock';
import { smsSegments, toGsm7 } from '@maillage/platform/gsm7';
import type { Insertable } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { benchPerson, benchRegistration, benchSession } from '../bench/rows.ts';
import type { Db } from '../src/db/connect.ts';
import type { RegistrationTable } from '../src/db/database.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import type { NotifySettings } from '../src/features/notifications/context.ts';
import { offerSms, reminderSms } from '../src/features/notifications/messages/sms.ts';
import { resolvePersonLink } from '../src/features/notifications/person-link.repository.ts';
import { queueDueReminders } from '../src/features/notifications/reminders.job.ts';
import { datesRemindedOn, reminderDay } from '../src/features/notifications/reminders.rules.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import { twoInstances, withMigratedDatabase } from './support/database.ts';
import { BACKENDS } from './support/server.ts';

/**
 * Session reminders (issue 18 part 3): the day before each date with half-days, from 10:00 Paris,
 * by the person's channel, once — computed in Paris at 00:30 and 23:30, winter and summer — and
 * 2,000 of them due the same day read by the set and written by the batch.
 */

const settings: NotifySettings = {
  siteUrl: 'http://site.test',
  extranetUrl: 'https://extranet.maillage-hautsdefrance.fr',
  teams: createTeamDirectory({ fallback: { email: 'equipe@maillage.test', phone: '+33327000000' } }),
  cancelSecret: 'a-test-secret-of-the-extranet-0123456789',
};

afterEach(() => setClock(null));

describe('when a reminder is due', () => {
  it('is the day before each date, and the Saturday for a Monday (no SMS on Sundays)', () => {
    expect(reminderDay('2027-01-13')).toBe('2027-01-12'); // Wednesday → Tuesday
    expect(reminderDay('2027-01-11')).toBe('2027-01-09'); // Monday → Saturday
    expect(reminderDay('2027-01-10')).toBe('2027-01-09'); // a Sunday session → Saturday
    expect(datesRemindedOn('2027-01-09')).toEqual(['2027-01-10', '2027-01-11']);
    expect(datesRemindedOn('2027-01-10')).toEqual([]); // Sunday: nothing
    expect(datesRemindedOn('2027-07-13')).toEqual(['2027-07-14']);
  });
});

describe('SMS texts', () => {
  const url = `${settings.extranetUrl}/p/${'x'.repeat(22)}`;
  const longest = [
    'Saint-Martin-sur-Écaillon',
    'Marquette-en-Ostrevant',
    'Villeneuve-d’Ascq et environs — salle polyvalente',
  ];
  it('fit one GSM-7 segment with the longest commune names, two start times and the link', () => {
    for (const place of longest) {
      for (const text of [
        reminderSms({ date: '2027-01-11', today: '2027-01-09', starts: ['09:30', '14:30'], place, url }),
        offerSms({ date: '2027-01-12', place, until: { date: '2027-01-14', time: '18:30' }, url }),
      ]) {
        const gsm = toGsm7(text);
        expect(smsSegments(gsm), gsm).toMatchObject({ encoding: 'gsm7', segments: 1 });
        expect(gsm).toContain(url); // the link is never cut
      }
    }
    expect(
      reminderSms({ date: '2027-01-12', today: '2027-01-11', starts: ['09:00'], place: 'Denain', url }),
    ).toBe(`Maillage : rappel, votre session demain 12/01 à 9h, Denain. Si vous ne venez pas : ${url}`);
    // Sent on Saturday for a Monday: the day is named.
    expect(
      reminderSms({ date: '2027-01-11', today: '2027-01-09', starts: ['14:00'], place: 'Le Quesnoy', url }),
    ).toBe(`Maillage : rappel, votre session lundi 11/01 à 14h, Le Quesnoy. Si vous ne venez pas : ${url}`);
  });
});

/** A session with the given half-days, and accepted people on it (accepted long ago). */
async function seed(
  db: Db,
  eventId: string,
  slots: { date: string; start: string; end: string }[],
  people: { name: string; channel: 'email' | 'sms' | 'appel'; optOut?: boolean }[],
): Promise<Record<string, number>> {
  await upsertEventCopy(db.db, {
    documentId: eventId,
    title: `Parcours création au Cateau-Cambrésis ${eventId}`,
    kind: 'session',
    programTitle: 'Parcours des Possibles',
    programKind: 'parcours',
    territory: 'cambresis',
    territoryName: 'Cambrésis',
    slots,
    capacity: 12,
    venue: { name: 'Médiathèque', address: '1 place', postcode: '59360', commune: 'Le Cateau-Cambrésis' },
  });
  const ids: Record<string, number> = {};
  let i = 0;
  for (const p of people) {
    i++;
    const long = '2026-01-05T10:00:00.000Z';
    const person = await db.db
      .insertInto('person')
      .values({
        ...benchPerson(i, 'cambresis', long, 70_000_000 + i * 97),
        first_name: p.name,
        email: `${p.name.toLowerCase()}@exemple.test`,
        sms_opt_out_at: p.optOut ? long : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reg = await db.db
      .insertInto('registration')
      .values(
        benchRegistration({
          reference: `MAI-2026-7${eventId.length}${String(i).padStart(4, '0')}`,
          person_id: person.id,
          event_id: eventId,
          territory: 'cambresis',
          created_at: long,
          decided_at: long,
          preferred_contact: p.channel,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[p.name] = reg.id;
  }
  return ids;
}

describe.each(BACKENDS)('session reminders on %s', (backend) => {
  for (const [season, date] of [
    ['winter', '2027-01-13'],
    ['summer', '2027-07-14'],
  ] as const) {
    it(`are due the day before (Paris) from 10:00, in ${season}, at the 00:30 and 23:30 edges`, async () => {
      await withMigratedDatabase(backend, async (db) => {
        const ids = await seed(
          db,
          `ev-${season}`,
          [{ date, start: '09:00', end: '12:00' }],
          [{ name: 'Eva', channel: 'email' }],
        );
        const before = addDays(date, -1);
        const count = async (at: Date) => {
          setClock(at);
          return queueDueReminders(db.db, settings);
        };
        // Two days before, late evening (already the day before in UTC, in summer: not in Paris).
        expect(await count(parisInstant(addDays(date, -2), '23:30'))).toBe(0);
        // The day before at 00:30 Paris (still two days before in UTC, in winter) and at 09:59: not yet.
        expect(await count(parisInstant(before, '00:30'))).toBe(0);
        expect(await count(parisInstant(before, '09:59'))).toBe(0);
        expect(await count(parisInstant(before, '10:00'))).toBe(1);
        // Later that day, and on the day itself: sent once.
        expect(await count(parisInstant(before, '23:30'))).toBe(0);
        expect(await count(parisInstant(date, '00:30'))).toBe(0);
        const mails = await db.db
          .selectFrom('outbox')
          .select(['to_address', 'subject', 'created_at'])
          .where('kind', '=', 'reminder')
          .execute();
        expect(mails).toEqual([
          {
            to_address: 'eva@exemple.test',
            subject: expect.stringContaining(
              `Rappel : « Parcours création au Cateau-Cambrésis ev-${season} »`,
            ),
            created_at: expect.stringMatching(
              new RegExp(`^${parisInstant(before, '10:00').toISOString().slice(0, 16)}`),
            ),
          },
        ]);
        const keys = await db.db.selectFrom('notification').select('dedupe_key').execute();
        expect(keys).toEqual([{ dedupe_key: `reminder:${ids.Eva}:${date}` }]);
      });
    });

    it(`catch up the same evening when the job could not run at 10:00 (${season}, 23:30)`, async () => {
      await withMigratedDatabase(backend, async (db) => {
        await seed(
          db,
          `late-${season}`,
          [{ date, start: '09:00', end: '12:00' }],
          [{ name: 'Lou', channel: 'email' }],
        );
        setClock(parisInstant(addDays(date, -1), '23:30'));
        expect(await queueDueReminders(db.db, settings)).toBe(1);
      });
    });
  }

  it('go by each person’s channel, one per date grouping its half-days, each with the cancel link', async () => {
    await withMigratedDatabase(backend, async (db) => {
      const d1 = '2027-03-10'; // a Wednesday: morning and afternoon
      const d2 = '2027-03-12';
      const ids = await seed(
        db,
        'ev-channels',
        [
          { date: d1, start: '14:00', end: '17:00' },
          { date: d1, start: '09:00', end: '12:00' },
          { date: d2, start: '09:30', end: '12:30' },
        ],
        [
          { name: 'Mel', channel: 'email' },
          { name: 'Sam', channel: 'sms' },
          { name: 'Cal', channel: 'appel' },
          { name: 'Sto', channel: 'sms', optOut: true },
        ],
      );
      setClock(parisInstant(reminderDay(d1), '10:15'));
      expect(await queueDueReminders(db.db, settings)).toBe(4);
      const mail = await db.db
        .selectFrom('outbox')
        .select(['to_address', 'text_body'])
        .where('kind', '=', 'reminder')
        .executeTakeFirstOrThrow();
      expect(mail.to_address).toBe('mel@exemple.test');
      expect(mail.text_body).toContain('de 9 h à 12 h et de 14 h à 17 h');
      expect(mail.text_body).toContain('/je-ne-peux-pas-venir?t=');
      const sms = await db.db
        .selectFrom('sms_message')
        .select(['registration_id', 'purpose', 'text_body', 'segments', 'dedupe_key'])
        .execute();
      expect(sms).toHaveLength(1);
      expect(sms[0]).toMatchObject({ registration_id: ids.Sam, purpose: 'session-reminder', segments: 1 });
      expect(sms[0]?.text_body).toContain('demain 10/03 à 9h et 14h');
      expect(smsSegments(sms[0]!.text_body).encoding).toBe('gsm7');
      // The SMS carries the short « je ne peux pas venir » link of that registration (`/c/<code>`).
      const code = /\/c\/([A-Za-z0-9_-]{22})/.exec(sms[0]!.text_body)?.[1] ?? '';
      expect(await resolvePersonLink(db.db, 'registration-cancel', code)).toMatchObject({
        ok: true,
        targetId: ids.Sam,
      });
      // A call for the person who chose one, and for the one who answered STOP to SMS.
      const calls = await db.db
        .selectFrom('notification')
        .select(['registration_id', 'channel', 'call_status', 'call_text'])
        .where('call_status', '=', 'todo')
        .orderBy('registration_id')
        .execute();
      expect(calls.map((c) => [c.registration_id, c.channel])).toEqual([
        [ids.Cal, 'appel'],
        [ids.Sto, 'appel'],
      ]);
      expect(calls[0]?.call_text).toContain('vous attend mercredi 10 mars 2027 à 9 h et à 14 h');
      // The next date has its own reminder, two days later.
      setClock(parisInstant(reminderDay(d2), '10:00'));
      expect(await queueDueReminders(db.db, settings)).toBe(4);
      expect(await queueDueReminders(db.db, settings)).toBe(0);
    });
  });

  it('queue 2,000 reminders due the same day within 5 s, once, even with two instances', async () => {
    const { one, two, close } = await twoInstances(backend);
    try {
      const date = '2027-02-17';
      const at = '2026-01-05T10:00:00.000Z';
      const sessions = Array.from({ length: 200 }, (_, i) =>
        benchSession({
          id: `bench-${i}`,
          title: `Parcours ${i}`,
          territory: 'cambresis',
          dates: [date, '2027-02-19'],
          capacity: 10,
          at,
        }),
      );
      await one.db.insertInto('event_copy').values(sessions).execute();
      const persons = await one.db
        .insertInto('person')
        .values(
          Array.from({ length: 2000 }, (_, i) => ({
            ...benchPerson(i, 'cambresis', at, 60_000_000),
            email: `p${i}@exemple.test`,
          })),
        )
        .returning('id')
        .execute();
      const channels = ['email', 'email', 'sms', 'appel'] as const;
      const rows: Insertable<RegistrationTable>[] = persons.map((p, i) =>
        benchRegistration({
          reference: `MAI-2026-${String(500_000 + i)}`,
          person_id: p.id,
          event_id: `bench-${i % 200}`,
          territory: 'cambresis',
          created_at: at,
          decided_at: at,
          preferred_contact: channels[i % 4]!,
        }),
      );
      for (let i = 0; i < rows.length; i += 500)
        await one.db
          .insertInto('registration')
          .values(rows.slice(i, i + 500))
          .execute();
      setClock(parisInstant(reminderDay(date), '10:00'));
      const started = performance.now();
      // Two instances at once on PostgreSQL; SQLite is one server's file: one after the other.
      const runs =
        backend === 'postgres'
          ? await Promise.all([queueDueReminders(one.db, settings), queueDueReminders(two.db, settings)])
          : [await queueDueReminders(one.db, settings), await queueDueReminders(two.db, settings)];
      const elapsed = performance.now() - started;
      expect(runs[0]! + runs[1]!).toBe(2000);
      expect(elapsed).toBeLessThan(5_000);
      const count = async (table: 'notification' | 'outbox' | 'sms_message') =>
        Number(
          (
            await one.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count('notification')).toBe(2000);
      expect(await count('outbox')).toBe(1000);
      expect(await count('sms_message')).toBe(500);
    } finally {
      await close();
    }
  });
});
