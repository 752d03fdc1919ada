import { addDays, nowMs, parisDate, parisInstant } from '@maillage/platform/clock';
import { smsSegments } from '@maillage/platform/gsm7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { signCancelToken } from '../src/features/notifications/cancel-link.rules.ts';
import type { NotifySettings } from '../src/features/notifications/context.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import { applyNoShowRule, closeDueOffers, offerFreePlaces } from '../src/features/sessions/waitlist.job.ts';
import { NO_SHOW_ACTOR, OFFER_ACTOR, waitlistSettings } from '../src/features/sessions/waitlist.service.ts';
import { Browser, location } from './support/browser.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * The waiting list's offers (issue 18 part 3), against the built extranet on SQLite and
 * PostgreSQL: a freed place offered by the person's channel with a short link, accepted, declined,
 * expired to the next person, at most N in flight, a place taken meanwhile, a forged code, the
 * no-show rule, and two instances closing the same expired offer.
 */

const ADVISOR = 'conseiller@maillage.test'; // Valenciennois and Douaisis
const ADMIN = 'admin@maillage.test';
const today = parisDate();
const day = (n: number) => addDays(today, n);
const CODE = /\/p\/([A-Za-z0-9_-]{22})/;

describe.each(BACKENDS)('waiting list on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let advisor: Browser;
  let admin: Browser;
  let settings: NotifySettings;

  async function addSession(id: string, dates: string[], capacity: number) {
    await upsertEventCopy(server.db.db, {
      documentId: id,
      title: `Parcours des Possibles ${id}`,
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'valenciennois',
      territoryName: 'Valenciennois',
      slots: dates.map((date) => ({ date, start: '09:00', end: '12:00' })),
      capacity,
      venue: {
        name: 'Salle des fêtes',
        address: '1 rue de la Mairie',
        postcode: '59300',
        commune: 'Valenciennes',
      },
    });
  }

  let phone = 50_000_000;
  let arrival = 0;
  /** A registration straight into the database, arrived in call order (the waiting list's order). */
  async function enrol(
    eventId: string,
    name: string,
    status: 'accepted' | 'waitlisted',
    channel: 'email' | 'sms' | 'appel',
  ): Promise<number> {
    const db = server.db.db;
    phone += 1;
    arrival += 1;
    const at = new Date(nowMs() - 86_400_000 + arrival * 1000).toISOString();
    const personId = await insertPerson(db, at, {
      first_name: name,
      last_name: `Secret${arrival}`,
      phone: `+336${phone}`,
      email: `${name.toLowerCase()}@exemple.test`,
    });
    const reg = await db
      .insertInto('registration')
      .values(
        registrationRow({
          reference: `MAI-2026-8${String(phone).slice(-5)}`,
          person_id: personId,
          event_id: eventId,
          territory: 'valenciennois',
          status,
          created_at: at,
          preferred_contact: channel,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return reg.id;
  }

  const statusOf = async (id: number) =>
    (
      await server.db.db
        .selectFrom('registration')
        .select(['status', 'decided_by', 'decision_reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;
  const offersOf = (eventId: string) =>
    server.db.db
      .selectFrom('place_offer')
      .selectAll()
      .where('event_id', '=', eventId)
      .orderBy('id')
      .execute();
  /** The code of the last offer e-mail to `to`. */
  async function mailedCode(to: string): Promise<string> {
    const row = await server.db.db
      .selectFrom('outbox')
      .select('text_body')
      .where('to_address', '=', to)
      .where('kind', '=', 'place-offer')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return CODE.exec(row.text_body)?.[1] ?? '';
  }
  const auditActions = async (registrationId: number) => {
    await server.settleAudit();
    return (
      await server.db.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', String(registrationId))
        .orderBy('id')
        .execute()
    ).map((r) => r.action);
  };
  const decide = (registration: number, decision: string) =>
    advisor.post(`/demandes/${registration}?_action=registrations.decide`, {
      registration: String(registration),
      decision,
      // a cancellation is done from its confirmation step
      ...(decision === 'cancel' ? { confirm: 'oui' } : {}),
    });
  const answer = (code: string, action: 'acceptOffer' | 'declineOffer', who = anonymous) =>
    who.post(`/p/${code}?_action=sessions.${action}`, { code });

  beforeAll(async () => {
    server = await startServer(backend);
    settings = {
      siteUrl: 'http://site.test',
      extranetUrl: server.url,
      teams: createTeamDirectory({}),
      cancelSecret: server.env.BETTER_AUTH_SECRET,
    };
    anonymous = new Browser(server.url);
    advisor = new Browser(server.url);
    admin = new Browser(server.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('a session of 2 places and 5 people waiting', () => {
    const p: Record<string, number> = {};
    let firstCode = '';

    beforeAll(async () => {
      await addSession('wl-main', [day(3), day(5)], 2);
      p.ana = await enrol('wl-main', 'Ana', 'accepted', 'email');
      p.ben = await enrol('wl-main', 'Ben', 'accepted', 'sms');
      p.wia = await enrol('wl-main', 'Wia', 'waitlisted', 'email');
      p.wsm = await enrol('wl-main', 'Wsm', 'waitlisted', 'sms');
      p.wap = await enrol('wl-main', 'Wap', 'waitlisted', 'appel');
      p.wd = await enrol('wl-main', 'Wd', 'waitlisted', 'email');
      p.we = await enrol('wl-main', 'We', 'waitlisted', 'email');
    });

    it('offers the place freed by « je ne peux pas venir » to the oldest person waiting, by e-mail', async () => {
      const secret = server.env.BETTER_AUTH_SECRET!;
      const t = signCancelToken(secret, p.ana!, Math.floor(nowMs() / 1000) + 30 * 86_400);
      const res = await anonymous.post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t });
      expect(res.status).toBe(303);
      expect(await statusOf(p.ana!)).toBe('cancelled');
      const offers = await offersOf('wl-main');
      expect(offers.map((o) => [o.registration_id, o.channel])).toEqual([[p.wia, 'email']]);
      expect(Date.parse(offers[0]!.expires_at) - Date.parse(offers[0]!.offered_at)).toBe(48 * 3_600_000);
      firstCode = await mailedCode('wia@exemple.test');
      expect(firstCode).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(await auditActions(p.wia!)).toContain('place.offer');
      // The roster says who was offered what, and when.
      const roster = await (await advisor.get('/sessions/wl-main')).text();
      expect(roster).toMatch(
        /Places proposées \(1\).*Wia Secret\d+ · proposée par courriel le .*en attente de réponse/s,
      );
    });

    it('shows the session only on /p/<code>, and « J’accepte la place » accepts the registration', async () => {
      const page = await anonymous.get(`/p/${firstCode}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Parcours des Possibles wl-main');
      expect(html).toContain('J’accepte la place');
      expect(html).not.toContain('Secret');
      expect(await statusOf(p.wia!)).toBe('waitlisted'); // a GET changes nothing
      const res = await answer(firstCode, 'acceptOffer');
      expect(res.status).toBe(303);
      expect(location(res)).toBe(`/p/${firstCode}?reponse=accepted`);
      expect(await (await anonymous.get(location(res))).text()).toContain('votre place est confirmée');
      const row = await server.db.db
        .selectFrom('registration')
        .select(['status', 'decided_by'])
        .where('id', '=', p.wia!)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'accepted', decided_by: OFFER_ACTOR });
      // The usual confirmation goes out, and the audit log has the offer and its acceptance.
      const confirmation = await server.db.db
        .selectFrom('outbox')
        .select('subject')
        .where('to_address', '=', 'wia@exemple.test')
        .where('kind', '=', 'decision')
        .executeTakeFirstOrThrow();
      expect(confirmation.subject).toBeTruthy();
      expect(await auditActions(p.wia!)).toEqual(['place.offer', 'registration.accept', 'place.accept']);
      // Once accepted, the link says so again, and a second tap changes nothing.
      const again = await answer(firstCode, 'acceptOffer');
      expect(location(again)).toBe(`/p/${firstCode}?reponse=already`);
      expect((await offersOf('wl-main'))[0]!.accepted_at).not.toBeNull();
    });

    it('answers 404 to a forged or malformed code, and changes nothing', async () => {
      const forged = `${firstCode.slice(0, -2)}${firstCode.endsWith('AA') ? 'BB' : 'AA'}`;
      for (const code of [forged, 'AAAAAAAAAAAAAAAAAAAAAA', 'court']) {
        expect((await anonymous.get(`/p/${code}`)).status, code).toBe(404);
        expect((await answer(code, 'acceptOffer')).status, code).toBe(404);
        expect((await answer(code, 'declineOffer')).status, code).toBe(404);
      }
      expect(await offersOf('wl-main')).toHaveLength(1);
    });

    it('keeps at most N offers in flight (an admin sets N = 1): two places freed, one offer', async () => {
      const saved = await admin.post('/admin/reglages?_action=sessions.waitlistSettings', {
        offerHours: '24',
        maxOffers: '1',
      });
      expect(saved.status).toBe(303);
      const bad = await admin.post('/admin/reglages?_action=sessions.waitlistSettings', {
        offerHours: 'deux',
        maxOffers: '0',
      });
      expect(bad.status).toBe(400);
      const html = await bad.text();
      expect(html).toContain('Indiquez un nombre d’heures.');
      expect(html).toContain('value="deux"'); // what was typed is kept
      // Advisors cancel both accepted people: two places free, one offer (to the SMS person).
      for (const id of [p.ben!, p.wia!]) {
        const res = await decide(id, 'cancel');
        expect(res.status).toBe(303);
      }
      const open = (await offersOf('wl-main')).filter((o) => !o.accepted_at);
      expect(open.map((o) => [o.registration_id, o.channel])).toEqual([[p.wsm, 'sms']]);
      expect(Date.parse(open[0]!.expires_at) - Date.parse(open[0]!.offered_at)).toBe(24 * 3_600_000);
      const sms = await server.db.db
        .selectFrom('sms_message')
        .select(['text_body', 'segments', 'purpose'])
        .where('registration_id', '=', p.wsm!)
        .executeTakeFirstOrThrow();
      expect(sms.purpose).toBe('place-offer');
      expect(sms.text_body).toMatch(CODE);
      expect(sms.segments).toBe(1);
      expect(smsSegments(sms.text_body)).toMatchObject({ encoding: 'gsm7', segments: 1 });
    });

    it('closes an expired offer and offers the place to the next person, once with two instances', async () => {
      await server.db.db
        .updateTable('place_offer')
        .set({ expires_at: new Date(nowMs() - 60_000).toISOString() })
        .where('registration_id', '=', p.wsm!)
        .execute();
      // Two instances on one PostgreSQL at once (SQLite is one server's file: one after the other,
      // a second connection of this process would wait on the first's lock with the loop blocked).
      const other = server.database.open();
      try {
        const run = (db: typeof other) => closeDueOffers(db.db, db.kind, settings);
        const runs =
          backend === 'postgres'
            ? await Promise.all([run(server.db), run(other)])
            : [await run(server.db), await run(other)];
        expect(runs[0]! + runs[1]!).toBe(1);
      } finally {
        await other.close();
      }
      expect(await closeDueOffers(server.db.db, server.db.kind, settings)).toBe(0);
      const offers = await offersOf('wl-main');
      expect(offers.map((o) => [o.registration_id, o.expired_at !== null])).toEqual([
        [p.wia, false],
        [p.wsm, true],
        [p.wap, false],
      ]);
      expect(await statusOf(p.wsm!)).toBe('waitlisted');
      // The person who prefers a call: a call in « À appeler », with the link to give.
      const call = await server.db.db
        .selectFrom('notification')
        .select(['channel', 'call_text', 'call_status'])
        .where('registration_id', '=', p.wap!)
        .where('purpose', '=', 'offer')
        .executeTakeFirstOrThrow();
      expect(call).toMatchObject({ channel: 'appel', call_status: 'todo' });
      expect(call.call_text).toMatch(CODE);
      const roster = await (await advisor.get('/sessions/wl-main')).text();
      expect(roster).toMatch(/Wsm Secret\d+ · proposée par SMS le .*expirée/s);
      expect(await auditActions(p.wsm!)).toEqual(['place.offer', 'place.expire']);
    });

    it('says kindly that the place was taken when it was, and the person stays on the list', async () => {
      const call = await server.db.db
        .selectFrom('notification')
        .select('call_text')
        .where('registration_id', '=', p.wap!)
        .where('purpose', '=', 'offer')
        .executeTakeFirstOrThrow();
      const code = CODE.exec(call.call_text ?? '')?.[1] ?? '';
      // Meanwhile an advisor gives both places to people further down the list.
      for (const id of [p.wd!, p.we!]) expect((await decide(id, 'accept')).status).toBe(303);
      const res = await answer(code, 'acceptOffer');
      expect(location(res)).toBe(`/p/${code}?reponse=taken`);
      expect(await (await anonymous.get(location(res))).text()).toContain('la place vient d’être prise');
      expect(await statusOf(p.wap!)).toBe('waitlisted');
      expect(await auditActions(p.wap!)).toEqual(['place.offer', 'place.taken']);
      // The link stays readable and says so again; the roster says what happened.
      expect(await (await anonymous.get(`/p/${code}`)).text()).toContain('la place vient d’être prise');
      expect(await (await advisor.get('/sessions/wl-main')).text()).toMatch(
        /Wap Secret\d+ · proposée par appel le .*place prise avant sa réponse/s,
      );
    });

    it('offers a later freed place again to the person whose place was taken, not to one whose offer expired', async () => {
      expect((await decide(p.wd!, 'cancel')).status).toBe(303);
      const open = (await offersOf('wl-main')).filter(
        (o) => !o.accepted_at && !o.declined_at && !o.expired_at && !o.taken_at,
      );
      expect(open.map((o) => o.registration_id)).toEqual([p.wap]);
      const calls = await server.db.db
        .selectFrom('notification')
        .select('call_text')
        .where('registration_id', '=', p.wap!)
        .where('purpose', '=', 'offer')
        .orderBy('id')
        .execute();
      expect(calls).toHaveLength(2);
      const [first, second] = calls.map((c) => CODE.exec(c.call_text ?? '')?.[1] ?? '');
      expect(second).not.toBe(first);
      // The new link answers the new offer; the old one still speaks of its own.
      expect(location(await answer(second!, 'acceptOffer'))).toBe(`/p/${second}?reponse=accepted`);
      expect(await statusOf(p.wap!)).toBe('accepted');
      expect(await (await anonymous.get(`/p/${first}`)).text()).toContain('la place vient d’être prise');
    });
  });

  it('offers free places to people left waiting (three places free, two waiting), once, within the limit in flight', async () => {
    await addSession('ses-free', [day(5), day(6)], 3);
    const one = await enrol('ses-free', 'Salomé', 'waitlisted', 'email');
    const two = await enrol('ses-free', 'Timothée', 'waitlisted', 'email');
    const three = await enrol('ses-free', 'Ulysse', 'waitlisted', 'email');
    const run = () => offerFreePlaces(server.db.db, server.db.kind, settings);
    // At most N offers in flight (the admin's setting, 1 or 2 here): the first waiting, in order.
    const { maxOffers } = await waitlistSettings(server.db.db);
    expect(maxOffers).toBeLessThan(3);
    expect(await run()).toBe(maxOffers);
    expect((await offersOf('ses-free')).map((o) => o.registration_id)).toEqual(
      [one, two].slice(0, maxOffers),
    );
    // Again: nothing more while those two are in flight.
    expect(await run()).toBe(0);
    expect(await mailedCode('salomé@exemple.test')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await statusOf(three)).toBe('waitlisted');
  });

  it('« Je ne peux pas » keeps the person on the list and offers the place to the next one', async () => {
    await addSession('wl-decline', [day(4)], 1);
    const x = await enrol('wl-decline', 'Xav', 'accepted', 'email');
    const y1 = await enrol('wl-decline', 'Yun', 'waitlisted', 'email');
    const y2 = await enrol('wl-decline', 'Yde', 'waitlisted', 'email');
    const res = await decide(x, 'cancel');
    expect(location(res)).toContain('proposee=1');
    expect(await (await advisor.get(location(res))).text()).toContain(
      'La place libérée est proposée à la personne suivante',
    );
    const code = await mailedCode('yun@exemple.test');
    const declined = await answer(code, 'declineOffer');
    expect(location(declined)).toBe(`/p/${code}?reponse=declined`);
    expect(await statusOf(y1)).toBe('waitlisted');
    expect(await mailedCode('yde@exemple.test')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await offersOf('wl-decline')).map((o) => [o.registration_id, o.declined_at !== null])).toEqual([
      [y1, true],
      [y2, false],
    ]);
    expect(await auditActions(y1)).toEqual(['place.offer', 'place.decline']);
    // Declined is final: accepting afterwards does nothing.
    expect(location(await answer(code, 'acceptOffer'))).toBe(`/p/${code}?reponse=declined`);
    expect(await statusOf(y1)).toBe('waitlisted');
  });

  it('the no-show rule (off by default) frees the place of an unexcused absentee that evening', async () => {
    await addSession('wl-noshow', [day(0), day(2)], 2);
    const absent = await enrol('wl-noshow', 'Abs', 'accepted', 'email');
    const excused = await enrol('wl-noshow', 'Exc', 'accepted', 'email');
    const waiting = await enrol('wl-noshow', 'Wno', 'waitlisted', 'email');
    for (const [registration, status] of [
      [absent, 'absent'],
      [excused, 'excused'],
    ] as const) {
      const res = await advisor.post('/sessions/wl-noshow?_action=sessions.presence', {
        session: 'wl-noshow',
        registration: String(registration),
        halfDay: `${day(0)}T09:00`,
        status,
      });
      expect(res.status).toBe(303);
    }
    const evening = parisInstant(day(0), '20:30');
    expect(await applyNoShowRule(server.db.db, server.db.kind, settings, evening)).toBe(0); // off
    const on = await admin.post('/admin/reglages?_action=sessions.waitlistSettings', {
      offerHours: '48',
      maxOffers: '2',
      noShowRule: '1',
    });
    expect(on.status).toBe(303);
    expect(await (await admin.get('/admin/reglages')).text()).toMatch(/id="noShowRule"[^>]*checked/);
    // Not before 20:00 Paris that day.
    expect(await applyNoShowRule(server.db.db, server.db.kind, settings, parisInstant(day(0), '19:59'))).toBe(
      0,
    );
    expect(await applyNoShowRule(server.db.db, server.db.kind, settings, evening)).toBe(1);
    expect(await applyNoShowRule(server.db.db, server.db.kind, settings, evening)).toBe(0);
    const row = await server.db.db
      .selectFrom('registration')
      .select(['status', 'decided_by'])
      .where('id', '=', absent)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'cancelled', decided_by: NO_SHOW_ACTOR });
    expect(await statusOf(excused)).toBe('accepted');
    expect((await offersOf('wl-noshow')).map((o) => o.registration_id)).toEqual([waiting]);
  });
});
