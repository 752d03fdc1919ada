import { foldLine } from '@maillage/platform/icalendar';
import ICAL from 'ical.js';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCalendar } from '../src/features/notifications/ics.ts';
import { callScript } from '../src/features/notifications/messages/call-script.ts';
import { decisionToPerson, decisionToPrescriber } from '../src/features/notifications/messages/decision.ts';
import {
  newRequestToAdvisors,
  receiptToPerson,
  receiptToPrescriber,
} from '../src/features/notifications/messages/receipt.ts';
import { reminderToPerson } from '../src/features/notifications/messages/sessions.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import type { NotificationContext } from '../src/features/notifications/types.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

const event = {
  id: 'evt123',
  title: 'Parcours des Possibles — Caudry, décembre',
  programTitle: 'Parcours des Possibles',
  programKind: 'parcours' as const,
  territoryName: 'Cambrésis',
  // Given out of order on purpose: the first half-day is 3 December, 9:30 Paris time.
  slots: [
    { date: '2026-12-10', start: '09:30', end: '12:30' },
    { date: '2026-12-03', start: '09:30', end: '12:30' },
  ],
  venue: {
    name: 'Maison France Services',
    address: '12 rue de la Paix',
    postcode: '59540',
    commune: 'Caudry',
    accessNotes: 'Bus ligne 3, arrêt Mairie. Parking gratuit.',
    stepFreeAccess: true,
  },
  practicalNotes: 'Garde d’enfants possible sur demande.',
  url: 'http://localhost:4321/agenda/parcours-caudry',
};

function ctx(
  over: Partial<NotificationContext['registration']> = {},
  person: Partial<NotificationContext['person']> = {},
): NotificationContext {
  return {
    person: {
      firstName: 'Nadia',
      lastName: 'Benali',
      email: 'nadia@example.test',
      phone: '+33612345678',
      preferredContact: 'email',
      ...person,
    },
    registration: {
      reference: 'MAI-2026-000123',
      kind: 'event',
      status: 'received',
      source: 'self',
      event,
      ...over,
    },
    team: { name: 'Maillage — équipe du Cambrésis', email: 'cambresis@maillage.test', phone: '+33327000000' },
    links: { siteUrl: 'http://localhost:4321', extranetUrl: 'http://localhost:4322' },
  };
}

function firstEventStart(ics: string): Date {
  const comp = new ICAL.Component(ICAL.parse(ics));
  for (const tz of comp.getAllSubcomponents('vtimezone'))
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  const starts = comp
    .getAllSubcomponents('vevent')
    .map((v) => new ICAL.Event(v).startDate.toJSDate())
    .sort((a, b) => a.getTime() - b.getTime());
  return starts[0] as Date;
}

describe('message templates', () => {
  it('writes a receipt with the reference, every half-day and the venue, in French', () => {
    const m = receiptToPerson(ctx());
    expect(m).not.toBeNull();
    expect(m?.subject).toBe("Demande d'inscription bien reçue — MAI-2026-000123");
    expect(m?.text).toContain('Bonjour Nadia,');
    expect(m?.text).toContain('jeudi 3 décembre 2026, de 9 h 30 à 12 h 30');
    expect(m?.text.indexOf('3 décembre')).toBeLessThan(m?.text.indexOf('10 décembre') ?? 0);
    expect(m?.text).toContain('Maison France Services, 12 rue de la Paix, 59540 Caudry');
    expect(m?.text).toContain('03 27 00 00 00');
    expect(m?.html).toContain('<html lang="fr">');
    expect(m?.replyTo).toBe('cambresis@maillage.test');
    expect(m?.from).toEqual({ name: 'Maillage — équipe du Cambrésis', address: 'cambresis@maillage.test' });
  });

  it('sends no email receipt to someone who gave no email', () => {
    expect(receiptToPerson(ctx({}, { email: null, preferredContact: 'appel' }))).toBeNull();
    expect(decisionToPerson(ctx({ status: 'accepted' }, { email: null }))).toBeNull();
  });

  it('escapes what people typed in the HTML version', () => {
    const m = receiptToPerson(ctx({}, { firstName: '<script>alert(1)</script>' }));
    expect(m?.html).not.toContain('<script>');
    expect(m?.html).toContain('&lt;script&gt;');
  });

  it('tells advisors about a new request without any personal data', () => {
    const m = newRequestToAdvisors(
      ctx({
        source: 'prescriber',
        prescriber: { name: 'Paul Martin', organisation: 'France Travail Cambrai', email: 'paul@ft.test' },
      }),
      'conseil@maillage.test',
    );
    expect(m.subject).toBe('Nouvelle demande à traiter — MAI-2026-000123');
    expect(m.text).toContain('France Travail Cambrai');
    for (const personal of ['Nadia', 'Benali', '06 12', '+336', 'nadia@'])
      expect(m.text + m.html).not.toContain(personal);
  });

  it('confirms a place with dates, venue, access, what to bring and an .ics of every half-day', () => {
    const m = decisionToPerson(ctx({ status: 'accepted' }));
    expect(m?.subject).toBe('Votre place est confirmée : Parcours des Possibles — Caudry, décembre');
    expect(m?.text).toContain('Bus ligne 3, arrêt Mairie');
    expect(m?.text).toContain('Accès de plain-pied');
    expect(m?.text).toContain('Ce qu’il faut apporter');
    expect(m?.text).toContain('Garde d’enfants possible');
    expect(m?.attachments).toHaveLength(1);
    const ics = m?.attachments[0]?.content ?? '';
    expect(firstEventStart(ics).toISOString()).toBe('2026-12-03T08:30:00.000Z');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it('puts summer sessions at the right UTC time too', () => {
    const ics = eventCalendar({ ...event, slots: [{ date: '2027-06-15', start: '14:00', end: '17:00' }] });
    expect(firstEventStart(ics).toISOString()).toBe('2027-06-15T12:00:00.000Z');
  });

  it('explains a refusal with its reason and what else exists', () => {
    const m = decisionToPerson(
      ctx({ status: 'declined', decisionReason: 'La session est réservée aux habitants du Douaisis.' }),
    );
    expect(m?.text).toContain('La raison : La session est réservée aux habitants du Douaisis.');
    expect(m?.text).toContain('http://localhost:4321/agenda');
    expect(m?.text).toContain('http://localhost:4321/idee-de-projet');
    expect(m?.attachments).toHaveLength(0);
  });

  it('says so when the person is on the waiting list', () => {
    const m = decisionToPerson(ctx({ status: 'waitlisted' }));
    expect(m?.subject).toContain("Liste d'attente");
    expect(m?.text).toContain("liste d'attente");
  });

  it('keeps the prescriber informed: receipt and decision name the person in the text, not the subject', () => {
    const c = ctx({
      source: 'prescriber',
      prescriber: { name: 'Paul Martin', organisation: 'France Travail Cambrai', email: 'paul@ft.test' },
    });
    const receipt = receiptToPrescriber(c);
    expect(receipt?.to).toBe('paul@ft.test');
    expect(receipt?.text).toContain('pour Nadia Benali');
    const decision = decisionToPrescriber({ ...c, registration: { ...c.registration, status: 'accepted' } });
    expect(decision?.subject).toBe(
      'Place confirmée : Parcours des Possibles — Caudry, décembre — MAI-2026-000123',
    );
    expect(decision?.text).toContain('la place de Nadia Benali est confirmée');
    expect(decision?.attachments[0]?.filename).toBe('agenda.ics');
    expect(receiptToPrescriber(ctx())).toBeNull();
  });

  it('reminds two days before with the first half-day', () => {
    const m = reminderToPerson(ctx({ status: 'accepted' }));
    expect(m?.subject).toBe(
      'Rappel : « Parcours des Possibles — Caudry, décembre » commence jeudi 3 décembre 2026',
    );
  });

  it('gives advisors a short text to read on the phone', () => {
    const text = callScript(
      ctx({ status: 'accepted' }, { email: null, preferredContact: 'appel' }),
      'decision',
    );
    expect(text).toContain('Votre place est confirmée');
    expect(text).toContain('jeudi 3 décembre 2026 à 9 h 30');
    expect(text).toContain('MAI-2026-000123');
  });

  it('invents no phone number when the team’s contacts are not known yet', () => {
    const c = ctx({ status: 'accepted' });
    const m = decisionToPerson({
      ...c,
      team: { name: 'Maillage', email: '', phone: '' },
      mailFrom: 'ne-pas-repondre@maillage.test',
    });
    expect(m?.text).not.toMatch(/ au \d|undefined/);
    expect(m?.text).toContain('prévenez-nous en répondant à ce message');
    expect(m?.replyTo).toBe('ne-pas-repondre@maillage.test');
    expect(m?.attachments[0]?.content).not.toContain('ORGANIZER');
  });

  it('gives the association’s number in the call script while the team’s is not known', () => {
    const c = ctx({ status: 'declined' }, { preferredContact: 'sms' });
    const unknownTeam = { name: 'Maillage', email: '', phone: '', associationPhone: '+33327000000' };
    const text = callScript({ ...c, team: unknownTeam }, 'decision');
    expect(text).toContain('appelez-nous au 03 27 00 00 00');
    expect(text).not.toMatch(/au répondez|au\s*\./);
    const reminder = callScript({ ...ctx({ status: 'accepted' }), team: unknownTeam }, 'reminder');
    expect(reminder).toContain('Empêchement ? Appelez-nous au 03 27 00 00 00.');
    // Neither number known yet: still a sentence, and nothing invented.
    const none = callScript({ ...c, team: { name: 'Maillage', email: '', phone: '' } }, 'decision');
    expect(none).not.toMatch(/au répondez|\d{2} \d{2} \d{2}/);
    expect(none).toContain("D'autres solutions existent : répondez à ce message.");
  });

  it('falls back to the association’s contacts from the CMS, each on its own', async () => {
    const directory = createTeamDirectory({
      cmsUrl: 'http://cms.test',
      fetchImpl: (async (input: string | URL | Request) =>
        Response.json(
          String(input).includes('/api/global')
            ? { data: { contactPhone: '03 27 00 00 00' } }
            : { data: [{ slug: 'douaisis', name: 'Douaisis', teamEmail: 'douai@maillage.test' }] },
        )) as typeof fetch,
    });
    expect(await directory.refresh()).toBe(true);
    const team = directory.team('douaisis');
    expect(team.phone).toBe('03 27 00 00 00');
    expect(team.associationPhone).toBe('03 27 00 00 00');
    expect(team.email).toBe('douai@maillage.test');
  });

  it('folds long .ics lines at 75 octets without splitting a character', () => {
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'é'.repeat(60)}`);
  });
});

describe('a message through real SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
  });

  it('arrives with its sender identity, reply-to, both versions and a parsable .ics', async () => {
    const m = decisionToPerson(ctx({ status: 'accepted' }));
    if (!m) throw new Error('no message');
    const transport = nodemailer.createTransport({ url: sink.url, ignoreTLS: true } as never);
    await transport.sendMail({
      from: m.from,
      to: m.to,
      replyTo: m.replyTo,
      subject: m.subject,
      text: m.text,
      html: m.html,
      attachments: m.attachments.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
    });
    const got = await sink.waitFor((r) => r.envelopeTo.includes('nadia@example.test'));
    expect(got.parsed.subject).toBe(m.subject);
    expect(got.parsed.from).toContain('cambresis@maillage.test');
    expect(got.parsed.replyTo).toContain('cambresis@maillage.test');
    expect(got.parsed.text).toContain('jeudi 3 décembre 2026, de 9 h 30 à 12 h 30');
    expect(got.parsed.html).toContain('Maison France Services');
    const ics = got.parsed.attachments.find((a) => a.filename === 'agenda.ics');
    expect(ics).toBeDefined();
    expect(firstEventStart(ics?.content ?? '').toISOString()).toBe('2026-12-03T08:30:00.000Z');
  });
});
