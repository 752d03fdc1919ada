import { randomUUID } from 'node:crypto';
import { registrationRequest } from '@maillage/contract';
import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { migrations } from '../src/db/migrations/index.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { listCalls } from '../src/features/notifications/calls.repository.ts';
import { queueDueReminders } from '../src/features/notifications/reminders.job.ts';
import { reminderDay } from '../src/features/notifications/reminders.rules.ts';
import { decide } from '../src/features/registrations/decision.service.ts';
import { receiveRegistration } from '../src/features/registrations/intake.service.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest, lastMailLink, uniquePhone } from './support/fixtures.ts';
import { defaultNotifySettings } from './support/notify-settings.ts';
import { intakeRow } from './support/people.ts';
import { personRow } from './support/rows.ts';
import {
  BACKENDS,
  DEMO_PASSWORD,
  type RunningServer,
  startServer,
  throwawayDatabase,
} from './support/server.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

/**
 * Issue 8, item 1: an anonymous request (public form, intake API) never changes an existing
 * person. The details given with a request stay on it, messages about it go to them, advisors see
 * the differences and confirm them or attach the request elsewhere. Against the real built server,
 * a real SMTP server on 127.0.0.1, SQLite and PostgreSQL.
 */

const ADMIN = 'admin@maillage.test';
const ADVISOR = 'conseiller@maillage.test'; // Valenciennois and Douaisis
const GOOD_PASSWORD = 'une phrase de passe solide 42';

describe.each(BACKENDS)('person takeover on %s', (backend) => {
  let server: RunningServer;
  let sink: SmtpSink;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser; // advisor of Cambrésis only
  const phone = uniquePhone();
  const e164 = `+33${phone.slice(1)}`;
  let personId = 0;
  let genuineId = 0;
  let strangerId = 0;

  const person = (id: number) =>
    server.db.db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
  const registration = (id: number) =>
    server.db.db.selectFrom('registration').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  async function submit(body: Record<string, unknown>): Promise<number> {
    return (await intakeRow(server, body)).registrationId;
  }
  const auditRows = async (action: string, entityId?: number) => {
    await server.settleAudit();
    let q = server.db.db.selectFrom('audit_log').selectAll().where('action', '=', action);
    if (entityId !== undefined) q = q.where('entity_id', '=', String(entityId));
    return q.orderBy('id').execute();
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startServer(backend, { SMTP_URL: sink.url });
    await addEvent(server.db, 'ev-pt', 'valenciennois', 20);
    await addEvent(server.db, 'ev-pt-camb', 'cambresis', 20);
    admin = new Browser(server.url);
    advisor = new Browser(server.url);
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    const email = 'camb.takeover@maillage.test';
    expect(
      (
        await admin.post('/admin/comptes?_action=accounts.invite', {
          name: 'Cambrésis',
          email,
          role: 'advisor',
          territories: ['cambresis'],
        })
      ).status,
    ).toBe(303);
    const link = new URL(await lastMailLink(server.db, email, 'invitation'));
    outsider = new Browser(server.url);
    await outsider.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(location(await outsider.signIn(email, GOOD_PASSWORD))).toContain('/demandes');
  });

  afterAll(async () => {
    await server?.stop();
    await sink?.stop();
  });

  it('leaves a known person unchanged when a stranger sends their phone with another name and e-mail, and answers each request at the address given with it', async () => {
    genuineId = await submit(
      eventRequest('ev-pt', {
        firstName: 'Awa',
        lastName: 'Original',
        phone,
        email: 'awa.vraie@exemple.test',
        communeInsee: '59606',
        situation: { rsa: 'oui', jobSeeker: 'oui' },
      }),
    );
    personId = (await registration(genuineId)).person_id;
    const before = await person(personId);
    expect(before?.email).toBe('awa.vraie@exemple.test');

    strangerId = await submit(
      eventRequest('ev-pt', {
        firstName: 'Mallory',
        lastName: 'Usurpe',
        phone,
        email: 'mallory@evil.test',
        communeInsee: '59122',
        situation: { rsa: 'non', jobSeeker: 'non' },
      }),
    );
    // Same phone: the same person, whose record did not move by one character.
    expect((await registration(strangerId)).person_id).toBe(personId);
    expect(await person(personId)).toEqual(before);
    expect(await registration(strangerId)).toMatchObject({
      contact_first_name: 'Mallory',
      contact_email: 'mallory@evil.test',
      contact_phone: e164,
    });

    // The genuine request's decision (with its .ics) goes to the genuine address only.
    expect(
      (
        await advisor.post(`/demandes/${genuineId}?_action=registrations.decide`, {
          registration: String(genuineId),
          decision: 'accept',
        })
      ).status,
    ).toBe(303);
    const confirmed = await sink.waitFor(
      (m) =>
        m.envelopeTo.includes('awa.vraie@exemple.test') &&
        m.parsed.subject.startsWith('Votre place est confirmée'),
    );
    expect(confirmed.parsed.text).toContain('Bonjour Awa,');
    expect(confirmed.parsed.attachments.some((a) => a.filename === 'agenda.ics')).toBe(true);
    const toStranger = await server.db.db
      .selectFrom('outbox')
      .select('id')
      .where('registration_id', '=', genuineId)
      .where('to_address', '=', 'mallory@evil.test')
      .execute();
    expect(toStranger).toEqual([]);
    // And the stranger's request is answered where it came from, under the name given with it.
    expect(
      (
        await advisor.post(`/demandes/${strangerId}?_action=registrations.decide`, {
          registration: String(strangerId),
          decision: 'decline',
          reason: 'Doublon.',
        })
      ).status,
    ).toBe(303);
    const declined = await sink.waitFor(
      (m) => m.envelopeTo.includes('mallory@evil.test') && m.parsed.subject.startsWith('Votre demande'),
    );
    expect(declined.parsed.text).toContain('Bonjour Mallory,');
    expect(
      sink.messages.some(
        (m) => m.envelopeTo.includes('awa.vraie@exemple.test') && m.parsed.text.includes('Doublon.'),
      ),
    ).toBe(false);
  });

  it('shows the advisor what a request says differently from the record', async () => {
    const page = await (await advisor.get(`/demandes/${strangerId}`)).text();
    expect(page).toContain('Elles diffèrent de la fiche de la personne');
    expect(page).toContain('mallory@evil.test');
    expect(page).toContain('awa.vraie@exemple.test');
    expect(page).toContain('Mettre à jour la fiche avec ces coordonnées');
    const same = await (await advisor.get(`/demandes/${genuineId}`)).text();
    expect(same).toContain('Elles correspondent à la fiche de la personne.');
    // The inbox flags it too, next to the stranger's request only.
    const inbox = await (await advisor.get('/demandes?status=tous')).text();
    const row = (id: number) => inbox.split(`href="/demandes/${id}"`)[1]?.split('</tr>')[0] ?? '';
    expect(row(strangerId)).toContain('Coordonnées différentes de la fiche');
    expect(row(genuineId)).not.toContain('Coordonnées différentes de la fiche');
  });

  it('lets only an advisor of the territory confirm a request’s details, from the extranet, and keeps before and after', async () => {
    const newer = await submit(
      eventRequest('ev-pt', {
        firstName: 'Awa',
        lastName: 'Original',
        phone,
        email: 'awa.nouvelle@exemple.test',
      }),
    );
    expect((await registration(newer)).person_id).toBe(personId);
    const form = { registration: String(newer), person: String(personId) };
    const anonymous = await new Browser(server.url).post(
      `/demandes/${newer}?_action=registrations.confirmContact`,
      form,
    );
    expect(anonymous.status).toBe(303);
    expect(location(anonymous)).toContain('/connexion');
    expect(
      (await outsider.post(`/demandes/${newer}?_action=registrations.confirmContact`, form)).status,
    ).toBe(404);
    expect(
      (
        await advisor.post(`/demandes/${newer}?_action=registrations.confirmContact`, form, {
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    expect((await person(personId))?.email).toBe('awa.vraie@exemple.test');
    expect(await auditRows('person.confirm-contact', newer)).toEqual([]);

    const done = await advisor.post(`/demandes/${newer}?_action=registrations.confirmContact`, form);
    expect(done.status).toBe(303);
    expect(location(done)).toBe(`/demandes/${newer}?fait=contact-confirm`);
    expect((await person(personId))?.email).toBe('awa.nouvelle@exemple.test');
    const [row] = await auditRows('person.confirm-contact', newer);
    expect(row?.person_id).toBe(personId);
    expect(JSON.parse(row?.details_json ?? '{}')).toEqual({
      before: { email: 'awa.vraie@exemple.test' },
      after: { email: 'awa.nouvelle@exemple.test' },
    });
    // Confirmed already: a second post (a stale page) changes nothing.
    expect((await advisor.post(`/demandes/${newer}?_action=registrations.confirmContact`, form)).status).toBe(
      409,
    );
    const journal = await (await admin.get('/admin/journal?action=person.confirm-contact')).text();
    expect(journal).toContain('Fiche mise à jour avec les coordonnées d’une demande');
  });

  it('attaches the stranger’s request to a new person, the first one untouched, and only to people the advisor may see', async () => {
    const before = await person(personId);
    const form = { registration: String(strangerId), person: String(personId), target: 'new' };
    expect(
      (await outsider.post(`/demandes/${strangerId}?_action=registrations.attachContact`, form)).status,
    ).toBe(404);
    expect(
      (
        await advisor.post(`/demandes/${strangerId}?_action=registrations.attachContact`, form, {
          origin: 'http://evil.example',
        })
      ).status,
    ).toBe(403);
    // A person of another territory, not a candidate: refused.
    const elsewhere = await submit(
      eventRequest('ev-pt-camb', { firstName: 'Camille', communeInsee: '59122' }),
    );
    const elsewherePerson = (await registration(elsewhere)).person_id;
    const refused = await advisor.post(`/demandes/${strangerId}?_action=registrations.attachContact`, {
      ...form,
      target: String(elsewherePerson),
    });
    expect(refused.status).toBe(400);
    expect((await registration(strangerId)).person_id).toBe(personId);

    const done = await advisor.post(`/demandes/${strangerId}?_action=registrations.attachContact`, form);
    expect(done.status).toBe(303);
    const moved = (await registration(strangerId)).person_id;
    expect(moved).not.toBe(personId);
    expect(await person(moved)).toMatchObject({
      first_name: 'Mallory',
      last_name: 'Usurpe',
      email: 'mallory@evil.test',
      phone: e164,
    });
    expect(await person(personId)).toEqual(before);
    const [row] = await auditRows('registration.attach', strangerId);
    expect(JSON.parse(row?.details_json ?? '{}')).toEqual({
      before: { personId },
      after: { personId: moved, newPerson: true },
      previousPersonDeleted: false,
    });
    // The shared phone now has two people; a request from Mallory again finds Mallory.
    const again = await submit(
      eventRequest('ev-pt', { firstName: 'Mallory', lastName: 'Usurpe', phone, email: 'mallory@evil.test' }),
    );
    expect((await registration(again)).person_id).toBe(moved);
  });

  it('attaches a request from a new number to the person it belongs to, and removes the empty record', async () => {
    const fromNewPhone = await submit(
      eventRequest('ev-pt', { firstName: 'Awa', lastName: 'Original', email: 'awa.nouvelle@exemple.test' }),
    );
    const shell = (await registration(fromNewPhone)).person_id;
    expect(shell).not.toBe(personId);
    const page = await (await advisor.get(`/demandes/${fromNewPhone}`)).text();
    expect(page).toContain(`value="${personId}"`);
    const done = await advisor.post(`/demandes/${fromNewPhone}?_action=registrations.attachContact`, {
      registration: String(fromNewPhone),
      person: String(shell),
      target: String(personId),
    });
    expect(done.status).toBe(303);
    expect((await registration(fromNewPhone)).person_id).toBe(personId);
    expect(await person(shell)).toBeUndefined();
    const [row] = await auditRows('registration.attach', fromNewPhone);
    expect(JSON.parse(row?.details_json ?? '{}')).toMatchObject({ previousPersonDeleted: true });
  });
});

describe.each(BACKENDS)('request contact migration on %s', (backend) => {
  it('gives existing requests their person’s current details, and lets two people share a phone', async () => {
    const database = await throwawayDatabase(backend);
    const { db, close } = database.open();
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo('2026_11_26_1600_inbox_list_index');
      expect(error).toBeUndefined();
      const at = '2026-11-30T10:00:00.000Z';
      // The schema as it was before the migration: typed loosely, like the migrations.
      const old = db as unknown as Kysely<any>;
      const { id: personId } = await old
        .insertInto('person')
        .values(
          personRow(at, {
            first_name: 'Lina',
            last_name: 'Avant',
            phone: '+33611223344',
            email: 'lina@exemple.test',
            commune_insee: '59606',
            commune_name: 'Valenciennes',
            situation_job_seeker: 'non',
            preferred_contact: 'email',
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      const { id: registrationId } = await old
        .insertInto('registration')
        .values({
          reference: 'MAI-2026-000999',
          person_id: personId,
          kind: 'callback',
          territory: 'valenciennois',
          status: 'received',
          source_type: 'self',
          preferred_contact: 'email',
          idempotency_key: 'migration-test',
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await migrateToLatest(db);
      expect(
        await db
          .selectFrom('registration')
          .select([
            'contact_first_name',
            'contact_last_name',
            'contact_phone',
            'contact_email',
            'contact_commune_insee',
            'contact_commune_name',
            'contact_situation_rsa',
            'contact_situation_job_seeker',
            'person_id',
          ])
          .where('id', '=', registrationId)
          .executeTakeFirstOrThrow(),
      ).toEqual({
        contact_first_name: 'Lina',
        contact_last_name: 'Avant',
        contact_phone: '+33611223344',
        contact_email: 'lina@exemple.test',
        contact_commune_insee: '59606',
        contact_commune_name: 'Valenciennes',
        contact_situation_rsa: 'oui',
        contact_situation_job_seeker: 'non',
        person_id: personId,
      });
      // The rebuilt table (SQLite) kept its rows and its links; a family phone is allowed now.
      await db
        .insertInto('person')
        .values({
          first_name: 'Noé',
          phone: '+33611223344',
          situation_rsa: 'non',
          situation_job_seeker: 'non',
          preferred_contact: 'appel',
          consent_at: at,
          last_contact_at: at,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const sharing = await db
        .selectFrom('person')
        .select('id')
        .where('phone', '=', '+33611223344')
        .execute();
      expect(sharing).toHaveLength(2);
    } finally {
      await close();
      await database.drop();
    }
  });
});

describe.each(BACKENDS)('reminders and calls about a request on %s', (backend) => {
  it('go to the name, address and number given with that request, not to the record', async () => {
    const database = await throwawayDatabase(backend);
    const { db, kind, close } = database.open();
    try {
      await migrateToLatest(db);
      const soon = addDays(parisDate(), 5);
      await upsertEventCopy(db, {
        documentId: 'ev-soon',
        title: 'Parcours des Possibles — Anzin',
        kind: 'session',
        programTitle: 'Parcours des Possibles',
        programKind: 'parcours',
        territory: 'valenciennois',
        territoryName: 'Valenciennois',
        slots: [{ date: soon, start: '23:30', end: '23:59' }],
        capacity: 10,
        venue: {
          name: 'Mairie',
          address: '1 place',
          postcode: '59410',
          commune: 'Anzin',
          inseeCode: '59014',
        },
      } as never);
      const request = (extra: Record<string, unknown>) =>
        registrationRequest.parse({
          kind: 'event',
          eventId: 'ev-soon',
          idempotencyKey: randomUUID(),
          phone: '06 55 44 33 22',
          ...extra,
        });
      const options = { notify: defaultNotifySettings() };
      await receiveRegistration(
        db,
        kind,
        request({
          firstName: 'Inès',
          lastName: 'Vraie',
          email: 'ines@exemple.test',
          preferredContact: 'email',
        }),
        options,
      );
      const other = await receiveRegistration(
        db,
        kind,
        request({
          firstName: 'Autre',
          lastName: 'Nom',
          email: 'autre@exemple.test',
          preferredContact: 'email',
        }),
        options,
      );
      const byPhone = await receiveRegistration(
        db,
        kind,
        request({ firstName: 'Appel', lastName: 'Moi', phone: '06 55 44 33 22', preferredContact: 'appel' }),
        options,
      );
      const id = async (reference: string) =>
        (
          await db
            .selectFrom('registration')
            .select('id')
            .where('reference', '=', reference)
            .executeTakeFirstOrThrow()
        ).id;
      const admin = { id: 'admin', role: 'admin' as const, territories: [] };
      for (const reference of [other.reference, byPhone.reference]) {
        await decide(
          db,
          kind,
          { registrationId: await id(reference), decision: 'accept', viewer: admin },
          defaultNotifySettings(),
        );
        // Accepted a week ago: due for its reminder the day before the session.
        await db
          .updateTable('registration')
          .set({ decided_at: new Date(Date.now() - 7 * 86_400_000).toISOString() })
          .where('reference', '=', reference)
          .execute();
      }
      const due = parisInstant(reminderDay(soon), '10:00');
      expect(await queueDueReminders(db, defaultNotifySettings(), due)).toBe(2);
      const reminders = await db
        .selectFrom('outbox')
        .select(['to_address', 'text_body'])
        .where('kind', '=', 'reminder')
        .execute();
      expect(reminders.map((r) => r.to_address)).toEqual(['autre@exemple.test']);
      expect(reminders[0]?.text_body).toContain('Bonjour Autre,');
      const calls = (await listCalls(db, admin)).filter((c) => c.reference === byPhone.reference);
      expect(calls.length).toBeGreaterThan(0);
      for (const call of calls) {
        expect(call).toMatchObject({ firstName: 'Appel', lastName: 'Moi', phone: '+33655443322' });
        expect(call.text).toContain('Bonjour Appel,');
      }
      const person = await db.selectFrom('person').selectAll().execute();
      expect(person.map((p) => [p.first_name, p.email])).toEqual([['Inès', 'ines@exemple.test']]);
    } finally {
      await close();
      await database.drop();
    }
  });
});
