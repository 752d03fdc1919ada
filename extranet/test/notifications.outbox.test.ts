import { randomUUID } from 'node:crypto';
import { registrationRequest } from '@maillage/contract';
import { nowMs } from '@maillage/platform/clock';
import { isGsm7 } from '@maillage/platform/gsm7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { deliverDue } from '../src/features/mail/outbox.job.ts';
import { listCalls, listManualSms } from '../src/features/notifications/calls.repository.ts';
import {
  CallNotFoundError,
  recordCallOutcome,
  recordSmsByHand,
} from '../src/features/notifications/calls.service.ts';
import { verifyCancelToken } from '../src/features/notifications/cancel-link.rules.ts';
import type { NotifySettings } from '../src/features/notifications/context.ts';
import { queueDueReminders } from '../src/features/notifications/reminders.job.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import { decide } from '../src/features/registrations/decision.service.ts';
import { receiveRegistration } from '../src/features/registrations/intake.service.ts';
import { shortCancelLink } from '../src/features/sessions/cancel.view.ts';
import { firstStartOf, parisWallClock } from './support/ics.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

/**
 * Notifications through the real outbox: real database (SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set), real intake and decision services, real nodemailer talking SMTP to a
 * real server on 127.0.0.1.
 */

const admin = { id: 'admin-1', role: 'admin' as const, territories: [] };
const advisorCambresis = { id: 'adv-1', role: 'advisor' as const, territories: ['cambresis'] };
const advisorDouaisis = { id: 'adv-2', role: 'advisor' as const, territories: ['douaisis'] };

function parisDay(offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(nowMs() + offsetDays * 86_400_000),
  );
}

async function seedUsers(db: Db) {
  const now = new Date().toISOString();
  const flag = db.kind === 'postgres' ? (false as never) : (0 as never);
  for (const [id, email, role] of [
    ['adv-1', 'conseil.cambresis@maillage.test', 'advisor'],
    ['adv-2', 'conseil.douaisis@maillage.test', 'advisor'],
    ['admin-1', 'admin@maillage.test', 'admin'],
  ] as const) {
    await db.db
      .insertInto('users')
      .values({
        id,
        name: id,
        email,
        emailVerified: flag,
        createdAt: now,
        updatedAt: now,
        role,
        disabled: flag,
      } as never)
      .execute();
  }
  await db.db
    .insertInto('user_territory')
    .values([
      { user_id: 'adv-1', territory: 'cambresis' },
      { user_id: 'adv-2', territory: 'douaisis' },
    ])
    .execute();
}

function request(extra: Record<string, unknown>) {
  return registrationRequest.parse({
    kind: 'event',
    eventId: 'evt-cambresis',
    idempotencyKey: randomUUID(),
    firstName: 'Nadia',
    lastName: 'Benali',
    phone: `06${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
    email: 'nadia@exemple.test',
    preferredContact: 'email',
    communeInsee: '59139',
    ...extra,
  });
}

async function registrationId(db: Db, reference: string): Promise<number> {
  return (
    await db.db
      .selectFrom('registration')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow()
  ).id;
}

const settings: NotifySettings = {
  siteUrl: 'http://site.test',
  extranetUrl: 'http://extranet.test',
  mailFrom: 'Maillage <ne-pas-repondre@maillage.test>',
  teams: createTeamDirectory({ fallback: { email: 'equipe@maillage.test', phone: '+33327000000' } }),
};

describe.each(BACKENDS)('notifications on %s', (backend) => {
  let database: Awaited<ReturnType<typeof throwawayDatabase>>;
  let db: Db;
  let sink: SmtpSink;
  const firstDay = parisDay(20);
  const secondDay = parisDay(27);
  const worker = () => ({
    db: db.db,
    kind: db.kind,
    from: 'Maillage <ne-pas-repondre@maillage.test>',
    smtpUrl: sink.url,
    outboxDir: '',
  });

  /** A request submitted through the intake service: its answer and its id. */
  async function submitted(extra: Record<string, unknown>) {
    const answer = await receiveRegistration(db.db, db.kind, request(extra), { notify: settings });
    return { answer, id: await registrationId(db, answer.reference) };
  }

  beforeAll(async () => {
    database = await throwawayDatabase(backend);
    db = database.open();
    await migrateToLatest(db.db);
    await seedUsers(db);
    await upsertEventCopy(db.db, {
      documentId: 'evt-cambresis',
      title: 'Parcours des Possibles — Caudry',
      slug: 'parcours-caudry',
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'cambresis',
      territoryName: 'Cambrésis',
      slots: [
        { date: secondDay, start: '14:00', end: '17:00' },
        { date: firstDay, start: '09:30', end: '12:30' },
      ],
      capacity: 10,
      venue: {
        name: 'Maison France Services',
        address: '12 rue de la Paix',
        postcode: '59540',
        commune: 'Caudry',
        inseeCode: '59139',
        accessNotes: 'Bus ligne 3, arrêt Mairie.',
      },
    } as never);
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.stop();
    await db?.close();
    await database?.drop();
  });

  it('queues the receipt and the advisors’ note in the intake’s transaction, and they arrive by SMTP', async () => {
    const { answer, id } = await submitted({});
    const queued = await db.db
      .selectFrom('outbox')
      .select(['kind', 'to_address', 'from_name'])
      .where('registration_id', '=', id)
      .orderBy('id')
      .execute();
    expect(queued.map((q) => [q.kind, q.to_address])).toEqual([
      ['receipt', 'nadia@exemple.test'],
      ['new-request', 'conseil.cambresis@maillage.test'],
    ]);
    expect(queued[0]?.from_name).toBe('Maillage — équipe du Cambrésis');
    while ((await deliverDue(worker())) > 0) {}
    const receipt = await sink.waitFor(
      (m) => m.parsed.subject.includes(answer.reference) && m.envelopeTo.includes('nadia@exemple.test'),
    );
    expect(receipt.parsed.subject).toBe(`Demande d'inscription bien reçue — ${answer.reference}`);
    expect(receipt.parsed.from).toContain('Maillage — équipe du Cambrésis');
    expect(receipt.parsed.from).toContain('ne-pas-repondre@maillage.test');
    expect(receipt.parsed.replyTo).toContain('equipe@maillage.test');
    expect(receipt.parsed.text).toContain('de 9 h 30 à 12 h 30');
    const note = await sink.waitFor(
      (m) =>
        m.envelopeTo.includes('conseil.cambresis@maillage.test') &&
        m.parsed.subject.includes(answer.reference),
    );
    expect(note.parsed.text).toContain(`http://extranet.test/demandes/${id}`);
    expect(note.parsed.text).not.toContain('Benali');
    expect(sink.messages.some((m) => m.envelopeTo.includes('conseil.douaisis@maillage.test'))).toBe(false);
  });

  it('tells the coordinators when the territory has no advisor yet', async () => {
    await upsertEventCopy(db.db, {
      documentId: 'evt-pevele',
      title: 'Parcours des Possibles — Orchies',
      slug: 'parcours-orchies',
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'pevele-carembault',
      territoryName: 'Pévèle-Carembault',
      slots: [{ date: firstDay, start: '14:00', end: '17:00' }],
      capacity: 10,
      venue: {
        name: 'Mairie',
        address: '1 place Gambetta',
        postcode: '59310',
        commune: 'Orchies',
        inseeCode: '59449',
      },
    } as never);
    const { id } = await submitted({ eventId: 'evt-pevele', communeInsee: '59449' });
    const notes = await db.db
      .selectFrom('outbox')
      .select('to_address')
      .where('registration_id', '=', id)
      .where('kind', '=', 'new-request')
      .execute();
    expect(notes.map((n) => n.to_address)).toEqual(['admin@maillage.test']);
  });

  it('sends the acceptance with an .ics whose first slot is the right Paris time', async () => {
    const { id } = await submitted({ email: 'accepte@exemple.test' });
    await decide(
      db.db,
      db.kind,
      { registrationId: id, decision: 'accept', viewer: advisorCambresis },
      settings,
    );
    while ((await deliverDue(worker())) > 0) {}
    const m = await sink.waitFor(
      (r) =>
        r.envelopeTo.includes('accepte@exemple.test') &&
        r.parsed.subject.startsWith('Votre place est confirmée'),
    );
    expect(m.parsed.text).toContain('Bus ligne 3, arrêt Mairie.');
    const ics = m.parsed.attachments.find((a) => a.filename === 'agenda.ics');
    expect(ics?.contentType).toBe('text/calendar');
    expect(firstStartOf(ics?.content ?? '').toISOString()).toBe(
      parisWallClock(firstDay, '09:30').toISOString(),
    );
  });

  it('keeps the professional informed: receipt and decision, the person gets hers', async () => {
    const { id } = await submitted({
      email: 'personne@exemple.test',
      source: {
        type: 'prescriber',
        name: 'Paul Martin',
        organisation: 'France Travail Cambrai',
        email: 'paul@ft.test',
        personConsent: true,
      },
    });
    await decide(
      db.db,
      db.kind,
      {
        registrationId: id,
        decision: 'decline',
        reason: 'Session réservée aux moins de 26 ans.',
        viewer: admin,
      },
      settings,
    );
    const kinds = await db.db
      .selectFrom('outbox')
      .select(['kind', 'to_address'])
      .where('registration_id', '=', id)
      .orderBy('id')
      .execute();
    expect(kinds.map((k) => `${k.kind} ${k.to_address}`)).toEqual([
      'receipt personne@exemple.test',
      'prescriber-receipt paul@ft.test',
      'new-request conseil.cambresis@maillage.test',
      'decision personne@exemple.test',
      'prescriber-decision paul@ft.test',
    ]);
    while ((await deliverDue(worker())) > 0) {}
    const decision = await sink.waitFor(
      (r) =>
        r.envelopeTo.includes('paul@ft.test') &&
        r.parsed.text.includes('Session réservée aux moins de 26 ans.'),
    );
    expect(decision.parsed.text).toContain('Nadia Benali');
    expect(decision.parsed.text).toContain('http://site.test/agenda');
  });

  it('keeps messages while SMTP is down, with attempts and the last error, and delivers them when it is back', async () => {
    await sink.stop();
    const { id } = await submitted({ email: 'panne@exemple.test' });
    expect(await deliverDue(worker())).toBe(0);
    const waiting = await db.db
      .selectFrom('outbox')
      .selectAll()
      .where('registration_id', '=', id)
      .where('kind', '=', 'receipt')
      .executeTakeFirstOrThrow();
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBe(1);
    expect(waiting.last_error).toMatch(/ECONNREFUSED|connect/i);
    await sink.start();
    // The backoff has passed.
    await db.db
      .updateTable('outbox')
      .set({ next_attempt_at: new Date(nowMs() - 1000).toISOString() })
      .where('status', '=', 'pending')
      .execute();
    while ((await deliverDue(worker())) > 0) {}
    await sink.waitFor((r) => r.envelopeTo.includes('panne@exemple.test'));
    const sent = await db.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'sent_at'])
      .where('id', '=', waiting.id)
      .executeTakeFirstOrThrow();
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('puts people who prefer a call in the "à appeler" list with the words to say, and records the call', async () => {
    const { answer, id } = await submitted({
      email: undefined,
      preferredContact: 'appel',
      firstName: 'Karim',
    });
    await decide(
      db.db,
      db.kind,
      { registrationId: id, decision: 'accept', viewer: advisorCambresis },
      settings,
    );
    expect(
      await db.db
        .selectFrom('outbox')
        .select('kind')
        .where('registration_id', '=', id)
        .where('kind', 'in', ['receipt', 'decision'])
        .execute(),
    ).toEqual([]);
    const calls = await listCalls(db.db, advisorCambresis);
    const call = calls.find((c) => c.reference === answer.reference);
    expect(call?.channel).toBe('appel');
    expect(call?.text).toContain('Bonjour Karim');
    expect(call?.text).toContain('Votre place est confirmée');
    expect((await listCalls(db.db, advisorDouaisis)).some((c) => c.reference === answer.reference)).toBe(
      false,
    );
    await expect(
      recordCallOutcome(db.db, { id: call?.id ?? 0, outcome: 'joint', viewer: advisorDouaisis }),
    ).rejects.toThrow();
    await recordCallOutcome(db.db, {
      id: call?.id ?? 0,
      outcome: 'joint',
      comment: 'Viendra en bus.',
      viewer: advisorCambresis,
    });
    expect((await listCalls(db.db, advisorCambresis)).some((c) => c.reference === answer.reference)).toBe(
      false,
    );
    const note = await db.db
      .selectFrom('note')
      .select(['kind', 'body'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(note).toEqual({ kind: 'appel', body: 'Personne jointe, message transmis. Viendra en bus.' });
  });

  it('gives SMS people an SMS, waiting in « À appeler » without a provider, and records it sent by hand', async () => {
    const { answer, id } = await submitted({ email: undefined, preferredContact: 'sms', firstName: 'Sofia' });
    await decide(
      db.db,
      db.kind,
      { registrationId: id, decision: 'waitlist', viewer: advisorCambresis },
      settings,
    );
    const sms = (await listManualSms(db.db, advisorCambresis)).filter(
      (m) => m.reference === answer.reference,
    );
    expect(sms.map((m) => m.purpose)).toEqual(['receipt', 'decision']);
    const decision = sms[1];
    expect(decision?.text).toMatch(/^Maillage : bonjour Sofia\. .*liste d'attente/);
    expect(isGsm7(decision?.text ?? '')).toBe(true);
    expect(decision?.phone).toMatch(/^\+336/);
    // No provider: no reason of a failure, the page says « pas de fournisseur SMS ».
    expect(decision?.reason).toBeNull();
    // Not a call to make, and not shown outside the request's territory.
    expect((await listCalls(db.db, advisorCambresis)).some((c) => c.reference === answer.reference)).toBe(
      false,
    );
    expect((await listManualSms(db.db, advisorDouaisis)).some((m) => m.reference === answer.reference)).toBe(
      false,
    );
    await expect(
      recordSmsByHand(db.db, { id: decision?.id ?? 0, outcome: 'sms-envoye', viewer: advisorDouaisis }),
    ).rejects.toBeInstanceOf(CallNotFoundError);
    await recordSmsByHand(db.db, {
      id: decision?.id ?? 0,
      outcome: 'sms-envoye',
      comment: 'Depuis le portable du service',
      viewer: advisorCambresis,
    });
    const row = await db.db
      .selectFrom('sms_message')
      .select(['status', 'handled_by'])
      .where('id', '=', decision?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'done-by-hand', handled_by: 'adv-1' });
    const note = await db.db
      .selectFrom('note')
      .select(['kind', 'body'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(note).toEqual({ kind: 'appel', body: 'SMS envoyé. Depuis le portable du service' });
    // Recorded once: a second advisor finds it gone.
    await expect(
      recordSmsByHand(db.db, { id: decision?.id ?? 0, outcome: 'joint', viewer: admin }),
    ).rejects.toBeInstanceOf(CallNotFoundError);
  });

  it('writes to « SMS et e-mail » people on both channels, and calls someone who answered STOP', async () => {
    const both = await submitted({ email: 'les-deux@exemple.test', preferredContact: 'sms-email' });
    await decide(db.db, db.kind, { registrationId: both.id, decision: 'waitlist', viewer: admin }, settings);
    const sms = await db.db
      .selectFrom('sms_message')
      .select(['purpose', 'status'])
      .where('registration_id', '=', both.id)
      .orderBy('id')
      .execute();
    expect(sms).toEqual([
      { purpose: 'receipt', status: 'manual' },
      { purpose: 'decision', status: 'manual' },
    ]);
    const mails = await db.db
      .selectFrom('outbox')
      .select('kind')
      .where('registration_id', '=', both.id)
      .where('to_address', '=', 'les-deux@exemple.test')
      .execute();
    expect(mails.length).toBeGreaterThanOrEqual(2);

    const stop = await submitted({ email: undefined, preferredContact: 'sms', firstName: 'Yanis' });
    const person = await db.db
      .selectFrom('registration')
      .select('person_id')
      .where('id', '=', stop.id)
      .executeTakeFirstOrThrow();
    await db.db
      .updateTable('person')
      .set({ sms_opt_out_at: new Date().toISOString() })
      .where('id', '=', person.person_id)
      .execute();
    await decide(db.db, db.kind, { registrationId: stop.id, decision: 'waitlist', viewer: admin }, settings);
    const after = await db.db
      .selectFrom('sms_message')
      .select('purpose')
      .where('registration_id', '=', stop.id)
      .execute();
    expect(after.map((r) => r.purpose)).toEqual(['receipt']);
    const call = (await listCalls(db.db, admin)).find((c) => c.reference === stop.answer.reference);
    expect(call?.channel).toBe('appel');
    expect(call?.text).toContain('Bonjour Yanis, je suis conseiller·e chez Maillage.');
  });

  it('queues the reminder two days before the first half-day, once, however often the job runs', async () => {
    const soon = parisDay(2);
    await upsertEventCopy(db.db, {
      documentId: 'evt-soon',
      title: 'Parcours des Possibles — Cambrai',
      slug: 'parcours-cambrai',
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'cambresis',
      territoryName: 'Cambrésis',
      slots: [{ date: soon, start: '23:30', end: '23:59' }],
      capacity: 10,
      venue: {
        name: 'Médiathèque',
        address: '1 place Aristide Briand',
        postcode: '59400',
        commune: 'Cambrai',
        inseeCode: '59122',
      },
    } as never);
    const { id } = await submitted({ eventId: 'evt-soon', email: 'rappel@exemple.test' });
    await decide(db.db, db.kind, { registrationId: id, decision: 'accept', viewer: admin }, settings);
    // Accepted today, two days before: the confirmation just sent is the reminder.
    expect(await queueDueReminders(db.db, settings)).toBe(0);
    // Accepted a week ago: reminded, once.
    await db.db
      .updateTable('registration')
      .set({ decided_at: new Date(nowMs() - 7 * 86_400_000).toISOString() })
      .where('id', '=', id)
      .execute();
    const runs = await Promise.all([queueDueReminders(db.db, settings), queueDueReminders(db.db, settings)]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await queueDueReminders(db.db, settings)).toBe(0);
    const reminders = await db.db
      .selectFrom('outbox')
      .select(['subject'])
      .where('registration_id', '=', id)
      .where('kind', '=', 'reminder')
      .execute();
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.subject).toMatch(/^Rappel : « Parcours des Possibles — Cambrai » commence /);
  });

  it('reminds SMS people by SMS, once, with a short « je ne peux pas venir » link that leads to the signed page', async () => {
    const { id } = await submitted({
      eventId: 'evt-soon',
      email: undefined,
      preferredContact: 'sms',
      firstName: 'Lina',
    });
    await decide(db.db, db.kind, { registrationId: id, decision: 'accept', viewer: admin }, settings);
    await db.db
      .updateTable('registration')
      .set({ decided_at: new Date(nowMs() - 7 * 86_400_000).toISOString() })
      .where('id', '=', id)
      .execute();
    await Promise.all([queueDueReminders(db.db, settings), queueDueReminders(db.db, settings)]);
    await queueDueReminders(db.db, settings);
    const reminders = await db.db
      .selectFrom('sms_message')
      .select(['text_body', 'segments', 'status'])
      .where('registration_id', '=', id)
      .where('purpose', '=', 'reminder')
      .execute();
    expect(reminders).toHaveLength(1);
    const text = reminders[0]?.text_body ?? '';
    expect(reminders[0]).toMatchObject({ segments: 1, status: 'manual' });
    expect(text).toMatch(/^Maillage : rappel/);
    const code = /\/c\/([\w-]{22})$/.exec(text)?.[1] as string;
    expect(code).toBeDefined();
    const go = await shortCancelLink(db.db, 'secret-de-test', code);
    expect(go.state).toBe('go');
    const token = new URL(go.state === 'go' ? go.location : '', 'http://x').searchParams.get('t');
    expect(verifyCancelToken('secret-de-test', token)).toEqual({ ok: true, registrationId: id });
    expect(
      await shortCancelLink(
        db.db,
        'secret-de-test',
        code.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toEqual({
      state: 'invalid',
    });
  });
});
