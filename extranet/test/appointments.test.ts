/**
 * Individual appointments (issue 18, part 2), through the built server and its real forms, without
 * JavaScript: booking from a person's file (and its refusals, form kept), the appointment's page
 * (status, change, cancel, report), the person's « je ne peux pas venir » link, the agenda, the
 * dashboard's nudge, the private calendar feed, the timeline.
 */
import { addDays, nowMs, parisDate } from '@maillage/platform/clock';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mondayOf } from '../src/features/appointments/appointments.rules.ts';
import { type Browser, location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { firstStartOf, parisWallClock } from './support/ics.ts';
import { auditRows, personFromIntake, signedInTeam, visibleText } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

describe.each(BACKENDS)('appointments on %s', (backend) => {
  let server: RunningServer;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  let anonymous: Browser;
  let advisorId: string;
  const tomorrow = addDays(parisDate(), 1);
  const inTwoDays = addDays(parisDate(), 2);
  const booking = (personId: number, values: Record<string, string> = {}) => ({
    person: String(personId),
    date: tomorrow,
    time: '14:00',
    duration: '60',
    placeKind: 'bureau',
    placeDetail: '',
    ...values,
  });
  const book = (b: Browser, personId: number, values: Record<string, string> = {}) =>
    b.post(`/personnes/${personId}?_action=appointments.book`, booking(personId, values));
  const appointment = (id: number) =>
    server.db.db.selectFrom('appointment').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const idOf = (res: Response) => Number(/\/rendez-vous\/(\d+)\?fait=book/.exec(location(res))?.[1]);
  const lastMail = (kind: string) =>
    server.db.db
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
  /** An appointment straight into the table (a past one: the form refuses the past). */
  const insertAppointment = async (personId: number, startsAt: Date, extra: Record<string, unknown> = {}) => {
    const at = new Date(startsAt.getTime() - 7 * 86_400_000).toISOString();
    const row = await server.db.db
      .insertInto('appointment')
      .values({
        person_id: personId,
        support_id: null,
        advisor_id: advisorId,
        territory: 'valenciennois',
        starts_at: startsAt.toISOString(),
        duration_min: 60,
        place_kind: 'bureau',
        place_detail: null,
        created_by: advisorId,
        created_at: at,
        updated_at: at,
        ...extra,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 50);
    await addEvent(server.db, 'ev-camb', 'cambresis', 50);
    ({ admin, advisor, outsider, anonymous } = await signedInTeam(server));
    advisorId = (
      await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'conseiller@maillage.test')
        .executeTakeFirstOrThrow()
    ).id;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('books an appointment from the person’s file: stored at the Paris time, audited, confirmed by e-mail with its .ics', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Awa', lastName: 'Diallo' });
    const page = await (await advisor.get(`/personnes/${personId}`)).text();
    expect(page).toContain('Fixer un rendez-vous');
    const res = await book(advisor, personId, {
      placeKind: 'partenaire',
      placeDetail: 'Mission locale, 3 rue Ferrand, Valenciennes',
    });
    expect(res.status).toBe(303);
    const id = idOf(res);
    const row = await appointment(id);
    expect(row.starts_at).toBe(parisWallClock(tomorrow, '14:00').toISOString());
    expect(row).toMatchObject({
      advisor_id: advisorId,
      status: 'prevu',
      duration_min: 60,
      place_kind: 'partenaire',
    });
    expect(await auditRows(server, 'appointment.create', id)).toHaveLength(1);
    const shown = visibleText(await (await advisor.get(location(res))).text());
    expect(shown).toContain('Rendez-vous fixé.');
    expect(shown).toContain('Mission locale, 3 rue Ferrand');
    expect(shown).toContain('e-mail en file d’envoi');
    const mail = await lastMail('appointment');
    expect(mail.subject).toContain('Votre rendez-vous du');
    expect(mail.text_body).toMatch(/\/a\/[A-Za-z0-9_-]{22}/);
    const ics = (JSON.parse(mail.attachments_json ?? '[]') as { content: string }[])[0]?.content ?? '';
    expect(ics).toContain('METHOD:REQUEST');
    const unfolded = ics.replace(/\r\n /g, ''); // RFC 5545 §3.1: long lines are folded
    expect(unfolded).toMatch(/ORGANIZER;CN="Maillage[^"]*":mailto:test@maillage\.test/);
    expect(unfolded).toContain('ATTENDEE;CN="Awa";RSVP=FALSE:mailto:awa@exemple.test');
    expect(firstStartOf(ics).toISOString()).toBe(row.starts_at);
  });

  it('refuses a time in the past, an overlap and a partner without address, with a French message and the form kept', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const past = await book(advisor, personId, { date: addDays(parisDate(), -1), time: '12:00' });
    expect(past.status).toBe(400);
    const pastPage = await past.text();
    expect(visibleText(pastPage)).toContain('Ce moment est déjà passé');
    expect(pastPage).toContain(`value="${addDays(parisDate(), -1)}"`);

    expect((await book(advisor, personId, { date: inTwoDays, time: '14:00' })).status).toBe(303);
    const overlap = await book(advisor, personId, {
      date: inTwoDays,
      time: '14:30',
      duration: '30',
      placeDetail: 'gardé',
    });
    expect(overlap.status).toBe(400);
    const overlapPage = await overlap.text();
    expect(visibleText(overlapPage)).toContain('Vous avez déjà un rendez-vous de 14:00 à 15:00 ce jour-là.');
    expect(overlapPage).toContain('value="gardé"');
    expect(overlapPage).toContain('value="14:30"');
    // Right after it ends is free.
    expect((await book(advisor, personId, { date: inTwoDays, time: '15:00', duration: '30' })).status).toBe(
      303,
    );

    const partner = await book(advisor, personId, {
      date: inTwoDays,
      time: '17:00',
      placeKind: 'partenaire',
    });
    expect(partner.status).toBe(400);
    expect(visibleText(await partner.text())).toContain('Indiquez le partenaire et son adresse.');
  });

  it('lets an admin book for an advisor of the person’s territory, never an advisor for someone else', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const form = await (await admin.get(`/personnes/${personId}`)).text();
    expect(form).toContain('name="advisor"');
    expect(form).toContain(`value="${advisorId}"`);
    const booked = await book(admin, personId, {
      date: addDays(parisDate(), 11),
      time: '09:00',
      advisor: advisorId,
    });
    expect(booked.status).toBe(303);
    expect((await appointment(idOf(booked))).advisor_id).toBe(advisorId);
    const adminId = (
      await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'admin@maillage.test')
        .executeTakeFirstOrThrow()
    ).id;
    const refused = await book(advisor, personId, {
      date: addDays(parisDate(), 11),
      time: '11:00',
      advisor: adminId,
    });
    expect(refused.status).toBe(400);
    expect(visibleText(await refused.text())).toContain(
      'Choisissez une personne de l’équipe de ce territoire.',
    );
    // The outsider (Cambrésis only) is not among this person's team.
    const outsiderId = (
      await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', 'like', 'camb-%')
        .executeTakeFirstOrThrow()
    ).id;
    expect(
      (await book(admin, personId, { date: addDays(parisDate(), 11), time: '15:00', advisor: outsiderId }))
        .status,
    ).toBe(400);
  });

  it('books one of two clashing appointments sent at the same time (no double booking under a race)', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const day = addDays(parisDate(), 9);
    const results = await Promise.all(
      ['13:00', '13:15', '13:30', '13:45'].map((time) => book(advisor, personId, { date: day, time })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400, 400]);
    const rows = await server.db.db
      .selectFrom('appointment')
      .select('id')
      .where('person_id', '=', personId)
      .where('starts_at', '>=', parisWallClock(day, '00:00').toISOString())
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses an erased person and a person of another territory', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    await server.db.db
      .updateTable('person')
      .set({ erased_at: new Date().toISOString() })
      .where('id', '=', personId)
      .execute();
    const erased = await book(advisor, personId, { time: '08:00' });
    expect(erased.status).toBe(400);
    expect(visibleText(await erased.text())).toContain('Les données de cette personne ont été effacées');

    const { personId: elsewhere } = await personFromIntake(server, 'ev-camb');
    expect((await book(advisor, elsewhere, { time: '09:00' })).status).toBe(404);
    expect(location(await book(anonymous, elsewhere, { time: '09:00' }))).toContain('/connexion');
    expect((await book(outsider, elsewhere, { time: '09:00' })).status).toBe(303);
    const count = await server.db.db
      .selectFrom('appointment')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('person_id', 'in', [personId, elsewhere])
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('records the status after the start, nothing chosen in advance, and shows it in the timeline', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = await insertAppointment(personId, new Date(nowMs() - 3 * 3600_000));
    const page = await (await advisor.get(`/rendez-vous/${id}`)).text();
    expect(visibleText(page)).toContain('Statut à renseigner');
    expect(page).toContain('name="status"');
    expect(page).not.toMatch(/name="status"[^>]*checked/);
    const none = await advisor.post(`/rendez-vous/${id}?_action=appointments.status`, {
      appointment: String(id),
    });
    expect(none.status).toBe(400);
    expect(visibleText(await none.text())).toContain('Choisissez ce qui s’est passé.');
    const res = await advisor.post(`/rendez-vous/${id}?_action=appointments.status`, {
      appointment: String(id),
      status: 'absent',
    });
    expect(res.status).toBe(303);
    expect((await appointment(id)).status).toBe('absent');
    expect((await appointment(id)).status_by).toBe(advisorId);
    const file = visibleText(await (await advisor.get(`/personnes/${personId}`)).text());
    expect(file).toContain('Rendez-vous : Absent·e');
    expect(file).toContain('Rendez-vous fixé pour le');
    // Not before the start.
    const ahead = idOf(await book(advisor, personId, { time: '07:00' }));
    const early = await advisor.post(`/rendez-vous/${ahead}?_action=appointments.status`, {
      appointment: String(ahead),
      status: 'venu',
    });
    expect(early.status).toBe(400);
    expect((await appointment(ahead)).status).toBe('prevu');
  });

  it('changes and cancels from the appointment’s page: SEQUENCE bumped, the person told (CANCEL .ics)', async () => {
    const { personId } = await personFromIntake(server, 'ev-val');
    const id = idOf(await book(advisor, personId, { date: inTwoDays, time: '10:00' }));
    const page = visibleText(await (await advisor.get(`/rendez-vous/${id}`)).text());
    // The breadcrumb (components/Breadcrumb.astro): home, the agenda, its week, this appointment.
    expect(page).toContain('Accueil Agenda Semaine Rendez-vous');
    const changed = await advisor.post(`/rendez-vous/${id}?_action=appointments.change`, {
      appointment: String(id),
      date: inTwoDays,
      time: '11:15',
      duration: '45',
      placeKind: 'visio',
      placeDetail: 'https://visio.exemple.test/maillage-42',
    });
    expect(changed.status).toBe(303);
    const row = await appointment(id);
    expect(row).toMatchObject({ sequence: 1, duration_min: 45, place_kind: 'visio' });
    // A change into the past is refused, with the form as typed.
    const past = await advisor.post(`/rendez-vous/${id}?_action=appointments.change`, {
      appointment: String(id),
      date: addDays(parisDate(), -2),
      time: '09:00',
      duration: '30',
      placeKind: 'bureau',
      placeDetail: '',
    });
    expect(past.status).toBe(400);
    const pastPage = await past.text();
    expect(visibleText(pastPage)).toContain('Ce moment est déjà passé');
    expect(pastPage).toContain(`value="${addDays(parisDate(), -2)}"`);
    expect((await appointment(id)).sequence).toBe(1);
    expect(row.starts_at).toBe(parisWallClock(inTwoDays, '11:15').toISOString());
    expect((await lastMail('appointment')).subject).toContain('Votre rendez-vous a changé');
    // Without the box ticked, nothing is cancelled and the page says why.
    const unconfirmed = await advisor.post(`/rendez-vous/${id}?_action=appointments.cancel`, {
      appointment: String(id),
    });
    expect(unconfirmed.status).toBe(400);
    expect(visibleText(await unconfirmed.text())).toContain('Cochez « Je confirme l’annulation »');
    expect((await appointment(id)).status).toBe('prevu');
    expect(
      (
        await advisor.post(`/rendez-vous/${id}?_action=appointments.cancel`, {
          appointment: String(id),
          confirme: '1',
        })
      ).status,
    ).toBe(303);
    expect(await appointment(id)).toMatchObject({ status: 'annule', sequence: 2, cancelled_by_person: 0 });
    const cancel = await lastMail('appointment');
    expect(cancel.subject).toContain('Votre rendez-vous est annulé');
    const cancelIcs =
      (JSON.parse(cancel.attachments_json ?? '[]') as { content: string }[])[0]?.content ?? '';
    const vevent = new ICAL.Component(ICAL.parse(cancelIcs)).getFirstSubcomponent('vevent');
    expect(cancelIcs).toContain('METHOD:CANCEL');
    expect(vevent?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent?.getFirstPropertyValue('sequence')).toBe(2);
    expect(String(vevent?.getFirstPropertyValue('uid'))).toMatch(new RegExp(`^rendez-vous-${id}@`));
    // A note attached to it, listed on its page.
    const note = await advisor.post(`/rendez-vous/${id}?_action=persons.note`, {
      person: String(personId),
      appointment: String(id),
      kind: 'entretien',
      occurredOn: parisDate(),
      body: 'Compte rendu : rendez-vous annulé, à refixer.',
      nextAction: '',
      dueOn: '',
    });
    expect(note.status).toBe(303);
    expect(visibleText(await (await advisor.get(`/rendez-vous/${id}`)).text())).toContain(
      'rendez-vous annulé, à refixer',
    );
  });

  it('tells someone who prefers SMS by SMS and says what became of it; a cancelled one’s pending SMS are withdrawn', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { preferredContact: 'sms', email: '' });
    const res = await book(advisor, personId, { date: inTwoDays, time: '08:00', duration: '30' });
    const id = idOf(res);
    const sms = () =>
      server.db.db
        .selectFrom('sms_message')
        .selectAll()
        .where('appointment_id', '=', id)
        .orderBy('id')
        .execute();
    const [confirmation] = await sms();
    // The test server runs in demo mode: its SMS go to a folder, queued like with a provider.
    expect(confirmation).toMatchObject({ purpose: 'appointment-confirmation', segments: 1 });
    expect(confirmation?.text_body).toMatch(
      /^Maillage: RDV confirmé \w+ \d\d\/\d\d à 08h00, au bureau Maillage\. Annuler: http/,
    );
    const claim = await server.db.db
      .selectFrom('appointment_message')
      .selectAll()
      .where('appointment_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(claim).toMatchObject({
      channel: 'sms',
      outcome: confirmation?.status === 'manual' ? 'manual' : 'queued',
    });
    // The page reads the SMS's own state: manual, queued, held until 08:00, sent or delivered.
    expect(visibleText(await (await advisor.get(location(res))).text())).toMatch(
      claim.outcome === 'manual'
        ? /Pas de fournisseur SMS|à envoyer à la main/i
        : /SMS (en file d’envoi|programmé pour|en cours d’envoi|envoyé le|délivré le)/,
    );
    expect(await auditRows(server, 'appointment.create', id)).toHaveLength(1);
    await advisor.post(`/rendez-vous/${id}?_action=appointments.cancel`, {
      appointment: String(id),
      confirme: '1',
    });
    const after = await sms();
    expect(after.map((m) => m.purpose)).toEqual(['appointment-confirmation', 'appointment-cancellation']);
    // Not left yet when cancelled → withdrawn; nothing about it waits any more.
    expect(['cancelled', 'sending', 'sent', 'delivered']).toContain(after[0]?.status);
  });

  it('puts the call owed to someone who prefers a call in « À appeler », with the words to say, until it is recorded', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', {
      firstName: 'Appolline',
      preferredContact: 'appel',
      email: '',
    });
    const booked = await book(advisor, personId, { date: inTwoDays, time: '19:30', duration: '30' });
    expect(booked.status).toBe(303);
    const id = idOf(booked);
    // Booked with the person: nothing owed yet.
    expect(visibleText(await (await advisor.get('/a-appeler')).text())).not.toContain('Appolline');
    await advisor.post(`/rendez-vous/${id}?_action=appointments.cancel`, {
      appointment: String(id),
      confirme: '1',
    });
    const list = visibleText(await (await advisor.get('/a-appeler')).text());
    expect(list).toContain('Appolline');
    expect(list).toMatch(/Rendez-vous annulé .*son téléphone : 0\d( \d\d){4}/);
    expect(list).toContain('Bonjour Appolline, c’est Maillage. Votre rendez-vous du');
    expect(visibleText(await (await advisor.get(`/rendez-vous/${id}`)).text())).toContain(
      'la personne préfère un appel : il attend dans « À appeler »',
    );
    const message = await server.db.db
      .selectFrom('appointment_message')
      .select('id')
      .where('appointment_id', '=', id)
      .where('purpose', '=', 'cancel')
      .executeTakeFirstOrThrow();
    // Another territory's advisor cannot record it; the advisor can, once.
    const stranger = await outsider.post('/a-appeler?_action=appointments.called', {
      message: String(message.id),
    });
    expect(stranger.status).toBe(404);
    const done = await advisor.post('/a-appeler?_action=appointments.called', {
      message: String(message.id),
    });
    expect(done.status).toBe(303);
    expect(location(done)).toBe('/a-appeler?fait=rendez-vous');
    expect(visibleText(await (await advisor.get('/a-appeler')).text())).not.toContain('Appolline');
    const again = await advisor.post('/a-appeler?_action=appointments.called', {
      message: String(message.id),
    });
    expect(again.status).toBe(404);
    const notes = await server.db.db
      .selectFrom('note')
      .selectAll()
      .where('appointment_id', '=', id)
      .execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ kind: 'appel', person_id: personId });
    expect(notes[0]?.body).toContain('la personne est prévenue par téléphone');
    expect(await auditRows(server, 'appointment.call', id)).toHaveLength(1);
  });

  it('lets the person cancel with their link once: forged, expired and used links refused; the advisor told; the slot freed', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Linké' });
    const id = idOf(await book(advisor, personId, { date: inTwoDays, time: '16:00', duration: '30' }));
    const link = /https?:\/\/\S+\/a\/([A-Za-z0-9_-]{22})/.exec((await lastMail('appointment')).text_body);
    const code = link?.[1] as string;
    const shown = await anonymous.get(`/a/${code}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toContain('no-store');
    const text = visibleText(await shown.text());
    expect(text).toContain('à 16:00');
    expect(text).not.toContain('Linké');
    expect((await anonymous.get(`/a/${code.slice(0, 21)}x`)).status).toBe(404);
    const forged = await anonymous.post(`/a/AAAAAAAAAAAAAAAAAAAAAA?_action=appointments.personCancel`, {
      code: 'AAAAAAAAAAAAAAAAAAAAAA',
    });
    expect(forged.status).toBe(404);
    const done = await anonymous.post(`/a/${code}?_action=appointments.personCancel`, { code });
    expect(done.status).toBe(303);
    const after = visibleText(await (await anonymous.get(location(done))).text());
    expect(after).toContain('votre rendez-vous est annulé');
    // Whom to call (the team's number with it once the CMS gave it): an SMS from « Maillage »
    // cannot be answered.
    expect(after).toContain('Pour un autre rendez-vous, appelez Maillage — équipe du Valenciennois');
    expect(await appointment(id)).toMatchObject({ status: 'annule', cancelled_by_person: 1 });
    expect((await lastMail('appointment-advisor')).to_address).toBe('conseiller@maillage.test');
    expect(await auditRows(server, 'appointment.cancel-by-person', id)).toHaveLength(1);
    // A second click changes nothing and says what is stored: cancelled.
    const again = await anonymous.post(`/a/${code}?_action=appointments.personCancel`, { code });
    expect(visibleText(await again.text())).toContain('votre rendez-vous est annulé');
    expect(await auditRows(server, 'appointment.cancel-by-person', id)).toHaveLength(1);
    const agenda = visibleText(await (await advisor.get(`/agenda?semaine=${inTwoDays}`)).text());
    expect(agenda).toContain('Annulé par la personne : créneau libre');
    // The slot is free: booking it again works.
    expect((await book(advisor, personId, { date: inTwoDays, time: '16:00', duration: '30' })).status).toBe(
      303,
    );

    // Expired: its time has passed (the link lives until the start).
    const other = idOf(await book(advisor, personId, { date: inTwoDays, time: '18:00', duration: '30' }));
    const code2 = /\/a\/([A-Za-z0-9_-]{22})/.exec((await lastMail('appointment')).text_body)?.[1] as string;
    // The page says what is stored, not what the address claims.
    const claimed = visibleText(await (await anonymous.get(`/a/${code2}?fait=prevenu`)).text());
    expect(claimed).not.toContain('votre rendez-vous est annulé');
    expect(claimed).toContain('J’annule ce rendez-vous');
    await server.db.db
      .updateTable('person_link')
      .set({ expires_at: new Date(nowMs() - 86_400_000).toISOString() })
      .where('target_id', '=', other)
      .execute();
    expect((await anonymous.get(`/a/${code2}`)).status).toBe(404);
    expect(
      (await anonymous.post(`/a/${code2}?_action=appointments.personCancel`, { code: code2 })).status,
    ).toBe(404);
    expect((await appointment(other)).status).toBe('prevu');
  });

  it('shows the advisor’s week: conflicts flagged, past ones « Statut à renseigner », stable week links; admins choose the advisor', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', {
      firstName: 'Agenda',
      lastName: 'Semaine',
    });
    const day = addDays(parisDate(), 21);
    // Two that overlap (as an import or a race on another system would leave them).
    await insertAppointment(personId, parisWallClock(day, '09:00'));
    await insertAppointment(personId, parisWallClock(day, '09:30'));
    const week = mondayOf(day);
    const res = await advisor.get(`/agenda?semaine=${day}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = visibleText(html);
    expect(text).toContain('Chevauche un autre rendez-vous');
    expect(text).toContain('09:00–10:00');
    expect(text).toContain('Agenda Semaine');
    expect(html).toContain(`semaine=${addDays(week, 7)}`);
    expect(html).toContain(`semaine=${addDays(week, -7)}`);
    const past = await insertAppointment(personId, new Date(nowMs() - 3600_000));
    const thisWeek = visibleText(await (await advisor.get('/agenda')).text());
    expect(thisWeek).toContain('Statut à renseigner');
    expect(past).toBeGreaterThan(0);
    // The admin sees the advisor's week when choosing them; the advisor cannot look at another's.
    expect(
      visibleText(await (await admin.get(`/agenda?semaine=${day}&conseiller=${advisorId}`)).text()),
    ).toContain('Chevauche un autre rendez-vous');
    expect(
      visibleText(await (await outsider.get(`/agenda?semaine=${day}&conseiller=${advisorId}`)).text()),
    ).not.toContain('Agenda Semaine');
    expect((await anonymous.get('/agenda')).status).toBe(303);
    await server.settleAudit();
    const listed = await server.db.db
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'agenda.list')
      .where('actor_id', '=', advisorId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(listed.details_json ?? '{}')).toMatchObject({ advisor: advisorId });
    expect(listed.details_json).not.toContain('Semaine');
  });

  it('nudges on the dashboard: N appointments without a status for more than 2 days', async () => {
    const before = visibleText(await (await advisor.get('/')).text());
    const n = Number(/(\d+) rendez-vous sans statut depuis plus de 2 jours/.exec(before)?.[1] ?? 0);
    const { personId } = await personFromIntake(server, 'ev-val');
    await insertAppointment(personId, new Date(nowMs() - 3 * 86_400_000));
    await insertAppointment(personId, new Date(nowMs() - 5 * 86_400_000));
    // One day old: not yet.
    await insertAppointment(personId, new Date(nowMs() - 86_400_000));
    const home = await (await advisor.get('/')).text();
    expect(visibleText(home)).toContain(`${n + 2} rendez-vous sans statut depuis plus de 2 jours`);
    expect(home).toContain('href="/agenda#sans-statut"');
    // The agenda lists every past one without a status, whatever its week (the 3 above among them).
    const agenda = visibleText(await (await advisor.get('/agenda')).text());
    const listed = Number(/Statut à renseigner \((\d+)\)/.exec(agenda)?.[1]);
    expect(listed).toBeGreaterThanOrEqual(n + 3);
  });

  it('lists the advisor’s appointments of today (Paris) on the dashboard, and not another day’s', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Aujourdhui' });
    const { personId: other } = await personFromIntake(server, 'ev-val', { firstName: 'Demainvenu' });
    // Paris midnight and the day's first minute: right at 00:30 and 23:30, winter and summer.
    await insertAppointment(personId, parisWallClock(parisDate(), '00:00'));
    await insertAppointment(other, parisWallClock(addDays(parisDate(), 1), '00:00'));
    const home = visibleText(await (await advisor.get('/')).text());
    const today = /Mes rendez-vous d’aujourd’hui (.*) Mon agenda de la semaine/.exec(home)?.[1] ?? '';
    expect(today).toMatch(/^00:00 · Aujourdhui .* statut à renseigner/);
    expect(today).not.toContain('Demainvenu');
  });

  it('lists the appointments in the person’s data (right of access), and keeps them anonymous after an erasure', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { firstName: 'Effacée' });
    const id = idOf(
      await book(advisor, personId, {
        date: addDays(parisDate(), 5),
        time: '15:00',
        placeKind: 'visio',
        placeDetail: 'https://visio.exemple.test/effacee',
      }),
    );
    const code = /\/a\/([A-Za-z0-9_-]{22})/.exec((await lastMail('appointment')).text_body)?.[1] as string;
    const data = (await (await admin.get(`/admin/personnes/${personId}/donnees.json`)).json()) as {
      appointment: { id: number; place_detail: string }[];
      appointment_message: { purpose: string }[];
    };
    expect(data.appointment.map((a) => [a.id, a.place_detail])).toEqual([
      [id, 'https://visio.exemple.test/effacee'],
    ]);
    expect(data.appointment_message.map((m) => m.purpose)).toEqual(['confirmation']);
    const erase = await admin.post(`/admin/personnes/${personId}?_action=retention.erase`, {
      person: String(personId),
      intent: 'erase-confirm',
      confirm: 'on',
    });
    expect(erase.status).toBe(303);
    expect(await appointment(id)).toMatchObject({ place_detail: null, status: 'prevu', place_kind: 'visio' });
    expect((await anonymous.get(`/a/${code}`)).status).toBe(404);
    const page = visibleText(await (await advisor.get(`/rendez-vous/${id}`)).text());
    expect(page).toContain('Personne effacée');
    expect(page).not.toContain('Effacée Diallo');
  });

  it('serves a private calendar feed (first name and initial only, no-store), re-created and revoked → 404, audited', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', {
      firstName: 'Flux',
      lastName: 'Calendrier',
    });
    const id = idOf(await book(advisor, personId, { date: addDays(parisDate(), 3), time: '09:30' }));
    const created = await advisor.post('/compte/securite?_action=appointments.feed', {});
    expect(created.status).toBe(200);
    const url = /https?:\/\/[^\s<"]+\/api\/agenda\/[A-Za-z0-9_-]{43}\.ics/.exec(
      await created.text(),
    )?.[0] as string;
    expect(url).toBeTruthy();
    const feed = await fetch(url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    expect(feed.headers.get('cache-control')).toContain('no-store');
    const ics = await feed.text();
    expect(ics).toContain('SUMMARY:RDV Flux C.');
    expect(ics).not.toContain('Calendrier');
    const events = new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    const mine = events.find((e) => e.uid.startsWith(`rendez-vous-${id}@`));
    expect(mine?.startDate.toJSDate().toISOString()).toBe((await appointment(id)).starts_at);
    const hash = (
      await server.db.db
        .selectFrom('calendar_feed')
        .select('token_hash')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
    ).token_hash;
    expect(url).not.toContain(hash);
    // Re-created: the old address stops working.
    const again = await advisor.post('/compte/securite?_action=appointments.feed', {});
    const url2 = /https?:\/\/[^\s<"]+\/api\/agenda\/[A-Za-z0-9_-]{43}\.ics/.exec(
      await again.text(),
    )?.[0] as string;
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(url2)).status).toBe(200);
    const revoked = await advisor.post('/compte/securite?_action=appointments.feedRevoke', {});
    expect(revoked.status).toBe(303);
    expect((await fetch(url2)).status).toBe(404);
    expect((await fetch(`${server.url}/api/agenda/${'x'.repeat(43)}.ics`)).status).toBe(404);
    expect(await auditRows(server, 'calendar-feed.create', advisorId)).toHaveLength(2);
    expect(await auditRows(server, 'calendar-feed.revoke', advisorId)).toHaveLength(1);
  });
});
