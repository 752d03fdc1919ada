import type { RegistrationStatus } from '@maillage/contract';
import { parisInstant, setClock } from '@maillage/platform/clock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/connect.ts';
import { HELD_REASON, type MailMessage, sendCappedMail } from '../src/features/mail/mail.service.ts';
import { decisionToPerson, decisionToPrescriber } from '../src/features/notifications/messages/decision.ts';
import { receiptToPerson, receiptToPrescriber } from '../src/features/notifications/messages/receipt.ts';
import { reminderToPerson } from '../src/features/notifications/messages/sessions.ts';
import type { NotificationContext } from '../src/features/notifications/types.ts';
import { Browser, location } from './support/browser.ts';
import { twoInstances } from './support/database.ts';
import { addEvent, eventRequest, intake } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

/**
 * Issue 8, item 7: the public forms must not make the extranet a mail relay. Receipts are capped
 * per address and Paris day (counted in the database), subjects carry no text typed in a form, and
 * the person's message does not quote the professional's free text.
 */

const receipt = (to: string, kind = 'receipt'): MailMessage => ({ kind, to, subject: 'Reçu', text: 'x' });

describe.each(BACKENDS)('daily cap on receipts on %s', (backend) => {
  let one: Db;
  let two: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ one, two, close } = await twoInstances(backend));
  });
  afterEach(() => setClock(null));
  afterAll(() => close?.());

  const statuses = async (to: string) =>
    (
      await one.db
        .selectFrom('outbox')
        .select(['status', 'last_error'])
        .where('to_address', '=', to)
        .orderBy('id')
        .execute()
    ).map((r) => r.status);

  it('sends 3 receipts a Paris day to one address, holds the 4th with the reason, and starts again at midnight Paris time', async () => {
    const to = 'cap@exemple.test';
    // The night before the spring clock change: 23:58 and 00:01 are Paris wall-clock times.
    setClock(parisInstant('2027-03-27', '23:58'));
    for (let i = 0; i < 3; i++)
      expect((await sendCappedMail(one.db, one.kind, receipt(to))).held).toBe(false);
    // A professional's receipt to the same address counts too; another address is not affected.
    expect((await sendCappedMail(one.db, one.kind, receipt(to, 'prescriber-receipt'))).held).toBe(true);
    expect((await sendCappedMail(one.db, one.kind, receipt('other@exemple.test'))).held).toBe(false);
    const held = await one.db
      .selectFrom('outbox')
      .select(['status', 'last_error'])
      .where('to_address', '=', to)
      .where('status', '=', 'held')
      .executeTakeFirstOrThrow();
    expect(held.last_error).toBe(HELD_REASON);
    setClock(parisInstant('2027-03-28', '00:01'));
    expect((await sendCappedMail(one.db, one.kind, receipt(to))).held).toBe(false);
    expect(await statuses(to)).toEqual(['pending', 'pending', 'pending', 'held', 'pending']);
  });

  it('holds at 3 when requests to one address arrive at once on two instances', async () => {
    const to = 'ensemble@exemple.test';
    // Two pools on PostgreSQL; SQLite instances are processes sharing the file, and two
    // connections in this one process would block each other: one connection serialises them.
    const instance = (i: number) => (backend === 'postgres' && i % 2 ? two : one);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        instance(i)
          .db.transaction()
          .execute((trx) => sendCappedMail(trx, instance(i).kind, receipt(to))),
      ),
    );
    expect(results.filter((r) => !r.held)).toHaveLength(3);
    expect((await statuses(to)).filter((s) => s === 'pending')).toHaveLength(3);
  });
});

describe.each(BACKENDS)('public forms and receipts through the server on %s', (backend) => {
  let server: RunningServer;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startServer(backend, { SMTP_URL: sink.url });
    await addEvent(server.db, 'ev-relay', 'valenciennois', 50);
  });
  afterAll(async () => {
    await server?.stop();
    await sink?.stop();
  });

  it('stores a 4th request to one address but sends it no receipt, and tells the advisor and the outbox why', async () => {
    const to = 'relais@exemple.test';
    const references: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await intake(server.url, eventRequest('ev-relay', { email: to }));
      expect(res.status).toBe(201);
      references.push(((await res.json()) as { reference: string }).reference);
    }
    for (const reference of references.slice(0, 3))
      await sink.waitFor((m) => m.envelopeTo.includes(to) && m.parsed.subject.includes(reference));
    const last = await server.db.db
      .selectFrom('registration')
      .select('id')
      .where('reference', '=', references[3] as string)
      .executeTakeFirstOrThrow();
    const rows = await server.db.db
      .selectFrom('outbox')
      .select(['kind', 'status', 'last_error'])
      .where('registration_id', '=', last.id)
      .orderBy('id')
      .execute();
    expect(rows.find((r) => r.kind === 'receipt')).toEqual({
      kind: 'receipt',
      status: 'held',
      last_error: HELD_REASON,
    });
    // The advisors are told of the request all the same.
    expect(rows.some((r) => r.kind === 'new-request' && r.status !== 'held')).toBe(true);
    // The worker runs every 2 s: give it two rounds, the 4th receipt still does not leave.
    await new Promise((r) => setTimeout(r, 4500));
    expect(sink.messages.filter((m) => m.envelopeTo.includes(to))).toHaveLength(3);

    const advisor = new Browser(server.url);
    expect(location(await advisor.signIn('conseiller@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const page = await (await advisor.get(`/demandes/${last.id}`)).text();
    expect(page).toContain('Accusé de réception non envoyé.');
    expect(page).toContain('a déjà reçu 3 accusés de réception aujourd’hui');
    const admin = new Browser(server.url);
    expect(location(await admin.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const outbox = await (await admin.get('/courriels?etat=held')).text();
    expect(outbox).toContain('Retenu (plafond journalier)');
    expect(outbox).toContain(to);
  });
});

describe('messages caused by a public form', () => {
  const typed = {
    firstName: 'Gagnez 1000 € sur http://arnaque.example',
    lastName: 'Cliquez-ici',
    prescriberName: 'Offre http://spam.example',
    organisation: 'Promo www.spam.example',
  };
  const ctx = (status: RegistrationStatus): NotificationContext => ({
    person: {
      firstName: typed.firstName,
      lastName: typed.lastName,
      email: 'victime@exemple.test',
      phone: '+33612345678',
      preferredContact: 'email',
    },
    registration: {
      reference: 'MAI-2026-000042',
      kind: 'event',
      status,
      source: 'prescriber',
      prescriber: { name: typed.prescriberName, organisation: typed.organisation, email: 'pro@exemple.test' },
      event: {
        id: 'e1',
        title: 'Parcours des Possibles — Denain',
        territoryName: 'Valenciennois',
        slots: [{ date: '2027-01-12', start: '09:00', end: '12:00' }],
        venue: { name: 'Mairie', address: '1 place', postcode: '59220', commune: 'Denain' },
      },
    },
    team: { name: 'Maillage — équipe du Valenciennois', email: 'val@maillage.test', phone: '+33327000000' },
    links: { siteUrl: 'http://site.test', extranetUrl: 'http://extranet.test' },
  });

  it('keeps every text typed in a form out of the subjects', () => {
    const mails = [
      receiptToPerson(ctx('received')),
      receiptToPrescriber(ctx('received')),
      reminderToPerson(ctx('accepted'), '2027-01-12'),
      ...(['accepted', 'waitlisted', 'declined', 'cancelled'] as const).flatMap((s) => [
        decisionToPerson(ctx(s)),
        decisionToPrescriber(ctx(s)),
      ]),
    ];
    expect(mails.every(Boolean)).toBe(true);
    for (const m of mails) {
      for (const text of Object.values(typed)) expect(m?.subject, m?.template).not.toContain(text);
      expect(m?.subject).not.toMatch(/http|www\.|Cliquez/);
    }
  });

  it('does not copy the professional’s name or structure into the message to the person', () => {
    const m = receiptToPerson(ctx('received'));
    expect(m?.to).toBe('victime@exemple.test');
    expect(m?.text).toContain('Un·e professionnel·le de l');
    for (const text of [typed.prescriberName, typed.organisation, 'spam.example']) {
      expect(m?.text).not.toContain(text);
      expect(m?.html).not.toContain(text);
    }
  });
});
