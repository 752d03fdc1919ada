import { addDays, nowMs, parisDate, setClock } from '@maillage/platform/clock';
import { extractText } from 'unpdf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { signCancelToken } from '../src/features/notifications/cancel-link.rules.ts';
import type { NotifySettings } from '../src/features/notifications/context.ts';
import { createTeamDirectory } from '../src/features/notifications/teams.service.ts';
import { shortDay } from '../src/features/sessions/emargement.view.ts';
import { queueParcoursEndMessages } from '../src/features/sessions/parcours-end.job.ts';
import { SELF_CANCEL_ACTOR } from '../src/features/sessions/sessions.service.ts';
import { Browser, location } from './support/browser.ts';
import { eventRequest, intake, lastMailLink } from './support/fixtures.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * Sessions, attendance, the sign-in sheet, "je ne peux pas venir" and the end-of-Parcours message
 * (issue 10, items 3, 6 and 7), against the built extranet on SQLite and PostgreSQL.
 */

const ADVISOR = 'conseiller@maillage.test'; // Valenciennois and Douaisis
const ADMIN = 'admin@maillage.test';
const GOOD_PASSWORD = 'une phrase de passe solide 42';

const today = parisDate();
const day = (n: number) => addDays(today, n);
const slot = (date: string, start = '09:00', end = '12:00') => ({ date, start, end });
const key = (date: string, start = '09:00') => `${date}T${start}`;

afterEach(() => setClock(null));

/** The page's HTML without Astro's scoped-style attributes, to match markup as written. */
async function page(res: Response | Promise<Response>): Promise<string> {
  return (await (await res).text()).replace(/ data-astro-cid-[a-z0-9]+/g, '');
}

describe.each(BACKENDS)('sessions on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let advisor: Browser;
  let admin: Browser;
  let outsider: Browser; // advisor of Cambrésis only
  // The in-progress Parcours: 4 half-days gone, 1 to come.
  const running = [day(-7), day(-5), day(-3), day(-1), day(2)];
  const people: Record<string, number> = {};

  async function addSession(id: string, territory: string, dates: string[], capacity = 10) {
    await upsertEventCopy(server.db.db, {
      documentId: id,
      title: `Parcours des Possibles ${id}`,
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory,
      territoryName: territory === 'valenciennois' ? 'Valenciennois' : 'Cambrésis',
      slots: dates.map((d) => slot(d)),
      capacity,
      venue: {
        name: 'Salle des fêtes',
        address: '1 rue de la Mairie',
        postcode: '59300',
        commune: 'Valenciennes',
      },
    });
  }

  let phone = 40_000_000;
  /** A person and their registration, straight into the database (the session has started: no intake). */
  async function enrol(
    eventId: string,
    firstName: string,
    lastName: string,
    status: 'accepted' | 'waitlisted',
    extra: Record<string, unknown> = {},
  ): Promise<number> {
    const db = server.db.db;
    const at = new Date().toISOString();
    phone += 1;
    const personId = await insertPerson(db, at, {
      first_name: firstName,
      last_name: lastName,
      phone: `+336${phone}`,
    });
    const reg = await db
      .insertInto('registration')
      .values({
        ...registrationRow({
          // Far above the counter's references (MAI-2026-000001…).
          reference: `MAI-2026-9${String(phone).slice(-5)}`,
          person_id: personId,
          event_id: eventId,
          territory: (
            await db
              .selectFrom('event_copy')
              .select('territory')
              .where('document_id', '=', eventId)
              .executeTakeFirstOrThrow()
          ).territory,
          status,
          created_at: at,
        }),
        ...extra,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return reg.id;
  }

  const marks = (registrationId: number) =>
    server.db.db
      .selectFrom('attendance')
      .select(['slot_date', 'status', 'recorded_by'])
      .where('registration_id', '=', registrationId)
      .orderBy('slot_date')
      .execute();

  /** One attendance mark on a half-day of ses-val, posted by `who`. */
  function presence(who: Browser, registration: number | undefined, halfDay: string, status: string) {
    return who.post('/sessions/ses-val?_action=sessions.presence', {
      session: 'ses-val',
      registration: String(registration),
      halfDay,
      status,
    });
  }

  async function auditOf(action: string, registrationId: number) {
    await server.settleAudit();
    const rows = await server.db.db
      .selectFrom('audit_log')
      .select(['actor_id', 'details_json'])
      .where('action', '=', action)
      .where('entity_id', '=', String(registrationId))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ actor: r.actor_id, details: JSON.parse(r.details_json ?? 'null') }));
  }

  beforeAll(async () => {
    server = await startServer(backend);
    anonymous = new Browser(server.url);
    advisor = new Browser(server.url);
    admin = new Browser(server.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
    const invited = await admin.post('/admin/comptes?_action=accounts.invite', {
      name: 'Conseillère Cambrésis',
      email: 'camb-sessions@maillage.test',
      role: 'advisor',
      territories: ['cambresis'],
    });
    expect(invited.status).toBe(303);
    const link = new URL(await lastMailLink(server.db, 'camb-sessions@maillage.test', 'invitation'));
    outsider = new Browser(server.url);
    await outsider.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(location(await outsider.signIn('camb-sessions@maillage.test', GOOD_PASSWORD))).toContain(
      '/demandes',
    );

    await addSession('ses-val', 'valenciennois', running, 3);
    await addSession('ses-camb', 'cambresis', [day(-2), day(5)]);
    people.ines = await enrol('ses-val', 'Inès', 'Lefèvre', 'accepted');
    people.theo = await enrol('ses-val', 'Théo', 'Brûlé', 'accepted');
    people.zoe = await enrol('ses-val', 'Zoé', 'Œuvray', 'accepted');
    people.wait = await enrol('ses-val', 'Walid', 'Attente', 'waitlisted');
    people.camb = await enrol('ses-camb', 'Camille', 'Cambrai', 'accepted');
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('access', () => {
    it('sends anonymous visitors to the sign-in page, pages and forms alike', async () => {
      for (const path of ['/sessions', '/sessions/ses-val', '/sessions/ses-val/emargement.pdf']) {
        const res = await anonymous.get(path);
        expect(res.status, path).toBe(303);
        expect(location(res), path).toContain('/connexion?suivant=');
      }
      const post = await presence(anonymous, people.ines, key(running[0]!), 'present');
      expect(post.status).toBe(303);
      expect(location(post)).toContain('/connexion');
      expect(await marks(people.ines!)).toEqual([]);
    });

    it('lists the sessions of the advisor’s territories only, with fill rate and waiting list', async () => {
      const mine = await page(advisor.get('/sessions'));
      expect(mine).toContain('Parcours des Possibles ses-val');
      expect(mine).not.toContain('ses-camb');
      expect(mine).toMatch(/3 \/ 3<\/strong> inscrit·es \(100 %\)/);
      expect(mine).toContain('1 en liste d’attente');
      const theirs = await (await outsider.get('/sessions')).text();
      expect(theirs).toContain('ses-camb');
      expect(theirs).not.toContain('ses-val');
      const all = await (await admin.get('/sessions')).text();
      expect(all).toContain('ses-val');
      expect(all).toContain('ses-camb');
      // The search is on titles; a finished session is under "Passées".
      expect(await (await advisor.get('/sessions?q=nothing-like-it')).text()).toContain(
        'Aucune session ne correspond',
      );
      expect(await (await advisor.get('/sessions?quand=passees')).text()).not.toContain('ses-val');
    });

    it('answers 404 to an advisor of another territory on the roster, its forms and its PDF', async () => {
      for (const path of ['/sessions/ses-val', '/sessions/ses-val/emargement.pdf', '/sessions/nope']) {
        const res = await outsider.get(path);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).not.toContain('Lefèvre');
      }
      for (const form of [
        {
          action: 'presence',
          registration: String(people.ines),
          halfDay: key(running[0]!),
          status: 'present',
        },
        { action: 'suite', registration: String(people.ines), kind: 'emploi', date: today },
      ] as Record<string, string>[]) {
        expect(
          (
            await outsider.post(`/sessions/ses-val?_action=sessions.${form.action}`, {
              session: 'ses-val',
              ...form,
            })
          ).status,
        ).toBe(404);
      }
      expect(await marks(people.ines!)).toEqual([]);
      // Nor can a registration of another session be marked through this roster.
      const cross = await presence(advisor, people.camb, key(running[0]!), 'present');
      expect(cross.status).toBe(404);
      expect(await marks(people.camb!)).toEqual([]);
    });
  });

  describe('attendance', () => {
    it('shows the roster: accepted with the phone to call, the waiting list, and logs the read', async () => {
      const res = await advisor.get('/sessions/ses-val');
      expect(res.status).toBe(200);
      const html = await page(res);
      for (const name of ['Inès Lefèvre', 'Théo Brûlé', 'Zoé Œuvray', 'Walid Attente'])
        expect(html).toContain(name);
      expect(html).toMatch(/href="tel:\+336\d{8}"/);
      expect(html).toContain('Liste d’attente (1)');
      // The half-day shown by default is the last one gone (none today).
      expect(html).toContain(`?demi-journee=${key(running[3]!)}#presences" aria-current="true"`);
      await server.settleAudit();
      const reads = await server.db.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'session.read')
        .where('entity_id', '=', 'ses-val')
        .execute();
      expect(reads.length).toBeGreaterThan(0);
    });

    it('saves one row per post and sends the browser back to that row (no JavaScript needed)', async () => {
      const res = await presence(advisor, people.ines, key(running[0]!), 'present');
      expect(res.status).toBe(303);
      expect(location(res)).toBe(
        `/sessions/ses-val?demi-journee=${encodeURIComponent(key(running[0]!))}&note=${people.ines}#p-${people.ines}`,
      );
      expect(await marks(people.ines!)).toEqual([
        { slot_date: running[0], status: 'present', recorded_by: expect.any(String) },
      ]);
      const html = await page(advisor.get(location(res)));
      expect(html).toMatch(/Noté : <strong>Présent·e<\/strong>.*enregistré/s);
      expect(await auditOf('attendance.record', people.ines!)).toEqual([
        { actor: expect.any(String), details: { halfDay: key(running[0]!), from: null, to: 'present' } },
      ]);
    });

    it('corrects a mark later, with the status before and after in the audit log', async () => {
      const post = (status: string) => presence(advisor, people.theo, key(running[1]!), status);
      expect((await post('absent')).status).toBe(303);
      expect((await post('excused')).status).toBe(303);
      expect((await post('excused')).status).toBe(303); // the same again: nothing to log
      expect((await marks(people.theo!)).map((m) => m.status)).toEqual(['excused']);
      expect((await auditOf('attendance.correct', people.theo!)).map((a) => a.details)).toEqual([
        { halfDay: key(running[1]!), from: 'absent', to: 'excused' },
      ]);
    });

    it('refuses present or absent for a half-day still to come, with the reason beside the row', async () => {
      const res = await presence(advisor, people.zoe, key(running[4]!), 'present');
      expect(res.status).toBe(400);
      const html = await page(res);
      expect(html).toContain(
        `id="erreur-${people.zoe}" role="alert">Présent ou absent se note à partir du jour`,
      );
      // Excused may be noted in advance, and an unknown half-day or status is refused.
      const excused = await presence(advisor, people.zoe, key(running[4]!), 'excused');
      expect(excused.status).toBe(303);
      for (const [halfDay, status] of [
        [`${day(-30)}T09:00`, 'present'],
        [key(running[0]!), 'late'],
      ] as const) {
        const bad = await presence(advisor, people.zoe, halfDay, status);
        expect(bad.status).toBe(400);
      }
      expect((await marks(people.zoe!)).map((m) => m.status)).toEqual(['excused']);
    });

    it('shows completion: 4 half-days attended complete a Parcours of 5', async () => {
      for (const d of running.slice(0, 4)) {
        const res = await presence(advisor, people.ines, key(d), 'present');
        expect(res.status).toBe(303);
      }
      const html = await page(advisor.get('/sessions/ses-val'));
      expect(html).toMatch(
        /Inès Lefèvre<\/th>\s*(?:<td>.*?<\/td>){5}\s*<td>\s*4 \/ 4\s*<strong> — suivi<\/strong>/s,
      );
      // Théo's excused half-day is neither attended nor an absence: it is counted apart.
      expect(html).toMatch(
        /Théo Brûlé<\/th>\s*(?:<td>.*?<\/td>){5}\s*<td>\s*0 \/ 4\s*<span class="hint"> · 1 excusée\(s\)<\/span>\s*<\/td>/s,
      );
    });

    it('posts each mark to its row’s anchor and « Tous présents » to the half-day’s', async () => {
      const html = await page(advisor.get(`/sessions/ses-val?demi-journee=${key(running[2]!)}`));
      const marks = `/sessions/ses-val?demi-journee=${encodeURIComponent(key(running[2]!))}&amp;_action=sessions.presence`;
      expect(html).toContain(`action="${marks}#p-${people.ines}"`);
      expect(html).toMatch(/action="[^"]*_action=sessions.allPresent#demi-journee"/);
      expect(html).toContain('Tous présents');
    });

    it('« Tous présents » marks everyone not yet recorded present, and leaves the other marks', async () => {
      const halfDay = key(running[2]!);
      const on = async (id: number) => (await marks(id)).find((m) => m.slot_date === running[2])?.status;
      // Théo is excused there; Zoé has nothing yet; Inès, whatever the tests above left.
      expect((await presence(advisor, people.theo, halfDay, 'excused')).status).toBe(303);
      expect(await on(people.zoe!)).toBeUndefined();
      const ines = await on(people.ines!);
      const expected = ines ? 1 : 2;
      const post = (h: string) =>
        advisor.post(`/sessions/ses-val?_action=sessions.allPresent`, { session: 'ses-val', halfDay: h });
      const res = await post(halfDay);
      expect(res.status).toBe(303);
      expect(location(res)).toBe(
        `/sessions/ses-val?demi-journee=${encodeURIComponent(halfDay)}&tous=${expected}#demi-journee`,
      );
      expect([await on(people.ines!), await on(people.theo!), await on(people.zoe!)]).toEqual([
        ines ?? 'present',
        'excused',
        'present',
      ]);
      expect(await page(advisor.get(location(res)))).toContain(
        `${expected} personne(s) notée(s) présente(s).`,
      );
      expect((await auditOf('attendance.record', people.zoe!)).at(-1)?.details).toEqual({
        halfDay,
        from: null,
        to: 'present',
        all: true,
      });
      // Again: nobody left to mark. A half-day to come, or of another territory: refused.
      expect(location(await post(halfDay))).toContain('tous=0');
      const future = await post(key(running[4]!));
      expect(future.status).toBe(400);
      expect(await page(future)).toContain('Présent se note à partir du jour de la demi-journée.');
      expect(
        (
          await outsider.post(`/sessions/ses-val?_action=sessions.allPresent`, {
            session: 'ses-val',
            halfDay,
          })
        ).status,
      ).toBe(404);
    });
  });

  describe('feuille d’émargement', () => {
    it('is a PDF holding every participant and every half-day date, with the association’s name', async () => {
      const res = await advisor.get('/sessions/ses-val/emargement.pdf');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const { text } = await extractText(new Uint8Array(await res.arrayBuffer()), { mergePages: true });
      for (const name of ['LEFÈVRE Inès', 'BRÛLÉ Théo', 'ŒUVRAY Zoé']) expect(text).toContain(name);
      expect(text).not.toContain('Walid'); // the waiting list does not sign
      // An absence excused in advance is written in its box: no signature expected there.
      expect(text).toContain('Excusé·e');
      for (const d of running) expect(text).toContain(shortDay(d));
      // The CMS is down in these tests: the association's name falls back to "Maillage".
      expect(text).toContain('Maillage');
      expect(text).toContain('Parcours des Possibles ses-val');
    });
  });

  describe('after the Parcours', () => {
    it('records what came next, keeps what was typed on a mistake, and logs before and after', async () => {
      const bad = await advisor.post('/sessions/ses-val?_action=sessions.suite', {
        session: 'ses-val',
        registration: String(people.ines),
        kind: 'formation',
        date: '31/02/2026',
      });
      expect(bad.status).toBe(400);
      const html = await page(bad);
      expect(html).toContain(`id="date-err-${people.ines}">Indiquez une date`);
      expect(html).toMatch(
        new RegExp(`id="kind-${people.ines}"[^>]*>.*?<option value="formation" selected`, 's'),
      );
      for (const [kind, date] of [
        ['formation', day(-1)],
        ['emploi', today],
      ] as const) {
        const res = await advisor.post('/sessions/ses-val?_action=sessions.suite', {
          session: 'ses-val',
          registration: String(people.ines),
          kind,
          date,
        });
        expect(res.status).toBe(303);
        expect(location(res)).toContain(`#suite-${people.ines}`);
      }
      const row = await server.db.db
        .selectFrom('parcours_outcome')
        .select(['kind', 'outcome_date', 'support_id'])
        .where('registration_id', '=', people.ines!)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ kind: 'emploi', outcome_date: today, support_id: null });
      expect((await auditOf('parcours.outcome', people.ines!)).map((a) => a.details)).toEqual([
        { from: null, to: { kind: 'formation', date: day(-1) } },
        { from: { kind: 'formation', date: day(-1) }, to: { kind: 'emploi', date: today } },
      ]);
    });

    it('tells a professional who asked, once, whether the person came — never notes or free text', async () => {
      await addSession('ses-done', 'valenciennois', [day(-6), day(-4)]);
      const prescriber = {
        source_type: 'prescriber' as const,
        prescriber_name: 'Paul Martin',
        prescriber_organisation: 'France Travail',
        prescriber_email: 'paul.martin@ft.test',
        prescriber_keep_informed: 1,
        message: 'NOTE-PRIVEE: ne pas transmettre',
      };
      const came = await enrol('ses-done', 'Awa', 'Venue', 'accepted', prescriber);
      await enrol('ses-done', 'Bilal', 'Absent', 'accepted', {
        ...prescriber,
        prescriber_email: 'lea@ml.test',
      });
      await enrol('ses-done', 'Chloé', 'Discrète', 'accepted', {
        ...prescriber,
        prescriber_keep_informed: 0,
        prescriber_email: 'quiet@ft.test',
      });
      for (const d of [day(-6), day(-4)])
        expect(
          (
            await advisor.post('/sessions/ses-done?_action=sessions.presence', {
              session: 'ses-done',
              registration: String(came),
              halfDay: key(d),
              status: 'present',
            })
          ).status,
        ).toBe(303);
      const settings: NotifySettings = {
        siteUrl: 'http://site.test',
        extranetUrl: server.url,
        teams: createTeamDirectory({}),
      };
      // Two instances at once, then again: one message.
      await Promise.all([
        queueParcoursEndMessages(server.db.db, settings),
        queueParcoursEndMessages(server.db.db, settings),
      ]);
      await queueParcoursEndMessages(server.db.db, settings);
      const sent = (to: string) =>
        server.db.db
          .selectFrom('outbox')
          .select(['subject', 'text_body'])
          .where('to_address', '=', to)
          .where('kind', '=', 'prescriber-parcours-end')
          .execute();
      const mails = await sent('paul.martin@ft.test');
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text_body).toContain('Awa Venue y a participé.');
      expect(mails[0]!.text_body).not.toContain('NOTE-PRIVEE');
      // Last half-day not recorded: not yet; a week after it, with what is known.
      expect(await sent('lea@ml.test')).toHaveLength(0);
      setClock(new Date(Date.now() + 8 * 86_400_000));
      await queueParcoursEndMessages(server.db.db, settings);
      const late = await sent('lea@ml.test');
      expect(late).toHaveLength(1);
      expect(late[0]!.text_body).toContain("Bilal Absent n'y a pas participé.");
      expect(await sent('quiet@ft.test')).toHaveLength(0);
    });

    it('stores the professional’s "keep me informed" from the intake contract', async () => {
      await addSession('ses-next', 'valenciennois', [day(10), day(12)], 1);
      const res = await intake(
        server.url,
        eventRequest('ses-next', {
          source: {
            type: 'prescriber',
            name: 'Paul Martin',
            organisation: 'France Travail',
            email: 'paul@ft.test',
            personConsent: true,
            keepInformed: true,
          },
        }),
      );
      expect(res.status).toBe(201);
      const { reference } = (await res.json()) as { reference: string };
      const row = await server.db.db
        .selectFrom('registration')
        .select('prescriber_keep_informed')
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      expect(row.prescriber_keep_informed).toBe(1);
    });
  });

  describe('je ne peux pas venir', () => {
    let accepted = 0;
    let waiting = 0;
    let link = '';

    beforeAll(async () => {
      await addSession('ses-soon', 'valenciennois', [day(9), day(11)], 1);
      const first = await intake(server.url, eventRequest('ses-soon', { email: 'first@exemple.test' }));
      const second = await intake(
        server.url,
        eventRequest('ses-soon', { email: 'second@exemple.test', acceptWaitlist: true }),
      );
      const ref = async (r: Response) => ((await r.json()) as { reference: string }).reference;
      const id = async (reference: string) =>
        (
          await server.db.db
            .selectFrom('registration')
            .select('id')
            .where('reference', '=', reference)
            .executeTakeFirstOrThrow()
        ).id;
      accepted = await id(await ref(first));
      waiting = await id(await ref(second));
      expect(
        (
          await advisor.post(`/demandes/${accepted}?_action=registrations.decide`, {
            registration: String(accepted),
            decision: 'accept',
          })
        ).status,
      ).toBe(303);
      expect(
        (
          await advisor.post(`/demandes/${waiting}?_action=registrations.decide`, {
            registration: String(waiting),
            decision: 'waitlist',
          })
        ).status,
      ).toBe(303);
      const mail = await server.db.db
        .selectFrom('outbox')
        .select('text_body')
        .where('to_address', '=', 'first@exemple.test')
        .where('kind', '=', 'decision')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      link = /https?:\/\/\S+\/je-ne-peux-pas-venir\?t=\S+/.exec(mail.text_body)?.[0] ?? '';
    });

    const statusOf = async (id: number) =>
      await server.db.db
        .selectFrom('registration')
        .select(['status', 'decision_reason', 'decided_by'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    it('is in the confirmation e-mail, carries no personal data, and a GET changes nothing', async () => {
      expect(link).toMatch(new RegExp(`/je-ne-peux-pas-venir\\?t=${accepted}\\.\\d+\\.[A-Za-z0-9_-]{22}$`));
      const url = new URL(link);
      const res = await anonymous.get(url.pathname + url.search);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Parcours des Possibles ses-soon');
      expect(html).toContain('Je confirme : je ne peux pas venir');
      expect(html).not.toContain('Diallo');
      expect((await statusOf(accepted)).status).toBe('accepted');
    });

    it('refuses a forged, borrowed or expired signature and changes nothing', async () => {
      const token = new URL(link).searchParams.get('t')!;
      const [, exp, sig] = token.split('.');
      const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      const secret = server.env.BETTER_AUTH_SECRET!;
      // Expired a day ago by the app's clock, whatever MAILLAGE_NOW says (the server's clock, started
      // from MAILLAGE_NOW when it started, runs behind this process's by the build's duration).
      const expired = signCancelToken(secret, accepted, Math.floor(nowMs() / 1000) - 86_400);
      for (const [t, status] of [
        [tampered, 404],
        [`${waiting}.${exp}.${sig}`, 404],
        [expired, 410],
        ['', 404],
      ] as const) {
        expect((await anonymous.get(`/je-ne-peux-pas-venir?t=${encodeURIComponent(t)}`)).status, t).toBe(
          status,
        );
        expect(
          (await anonymous.post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t })).status,
          t,
        ).toBe(status);
      }
      expect((await statusOf(accepted)).status).toBe('accepted');
      expect((await statusOf(waiting)).status).toBe('waitlisted');
    });

    it('frees the place: cancelled with a reason, the waiting list offered it, seen in the roster and the log', async () => {
      const token = new URL(link).searchParams.get('t')!;
      // A double tap: one cancellation, the other answer says it is already done.
      const [res, twin] = await Promise.all([
        anonymous.post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t: token }),
        new Browser(server.url).post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t: token }),
      ]);
      expect([res.status, twin.status].sort()).toEqual([303, 409]);
      const done = res.status === 303 ? res : twin;
      expect(location(done)).toBe('/je-ne-peux-pas-venir?fait=1');
      expect(await (await anonymous.get(location(done))).text()).toContain('votre place est libérée');
      expect(await statusOf(accepted)).toEqual({
        status: 'cancelled',
        decision_reason: 'La personne a indiqué ne pas pouvoir venir (lien de son message).',
        decided_by: SELF_CANCEL_ACTOR,
      });
      // Once is enough: the same link again says so.
      expect(
        (await anonymous.post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t: token })).status,
      ).toBe(409);
      // The inbox banner offers the place to the first person waiting, as when an advisor cancels.
      const waitingRef = (
        await server.db.db
          .selectFrom('registration')
          .select('reference')
          .where('id', '=', waiting)
          .executeTakeFirstOrThrow()
      ).reference;
      const inbox = await (await advisor.get('/demandes')).text();
      expect(inbox).toMatch(
        new RegExp(`Une place s’est libérée pour « Parcours des Possibles ses-soon ».*${waitingRef}`, 's'),
      );
      const roster = await page(advisor.get('/sessions/ses-soon'));
      expect(roster).toMatch(/Désistements \(1\).*a indiqué ne pas pouvoir venir \(lien de son message\)/s);
      expect(await auditOf('registration.cancel', accepted)).toEqual([
        { actor: SELF_CANCEL_ACTOR, details: { from: 'accepted', to: 'cancelled' } },
      ]);
      // The place is offered to the person waiting, by their channel, with a short link.
      const offer = await server.db.db
        .selectFrom('place_offer')
        .select(['registration_id', 'channel'])
        .where('event_id', '=', 'ses-soon')
        .execute();
      expect(offer).toEqual([{ registration_id: waiting, channel: 'email' }]);
      const offerMail = await server.db.db
        .selectFrom('outbox')
        .select('text_body')
        .where('to_address', '=', 'second@exemple.test')
        .where('kind', '=', 'place-offer')
        .executeTakeFirstOrThrow();
      expect(offerMail.text_body).toMatch(/\/p\/[A-Za-z0-9_-]{22}/);
      expect(roster).toMatch(/Places proposées \(1\)/);
      // The person is told their place is freed.
      const mails = await server.db.db
        .selectFrom('outbox')
        .select('subject')
        .where('to_address', '=', 'first@exemple.test')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(mails.subject).toContain('Inscription annulée');
    });
  });

  it('after the start, « je ne peux pas venir » keeps the place and excuses the next date only', async () => {
    const secret = server.env.BETTER_AUTH_SECRET!;
    const t = signCancelToken(secret, people.theo!, Math.floor(nowMs() / 1000) + 30 * 86_400);
    const page1 = await anonymous.get(`/je-ne-peux-pas-venir?t=${encodeURIComponent(t)}`);
    expect(page1.status).toBe(200);
    const html = await page1.text();
    expect(html).toContain('Je confirme : je ne viendrai pas ce jour-là');
    expect(html).not.toContain('Brûlé');
    const before = (await marks(people.theo!)).filter((m) => m.slot_date === running[4]);
    expect(before).toEqual([]);
    for (let i = 0; i < 2; i++) {
      const res = await anonymous.post('/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t });
      expect(res.status).toBe(303);
      expect(location(res)).toBe('/je-ne-peux-pas-venir?fait=excuse');
    }
    expect(await (await anonymous.get('/je-ne-peux-pas-venir?fait=excuse')).text()).toContain(
      'Votre place dans la session est gardée',
    );
    const after = (await marks(people.theo!)).filter((m) => m.slot_date === running[4]);
    expect(after).toEqual([{ slot_date: running[4], status: 'excused', recorded_by: SELF_CANCEL_ACTOR }]);
    const row = await server.db.db
      .selectFrom('registration')
      .select('status')
      .where('id', '=', people.theo!)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('accepted');
    expect((await auditOf('attendance.record', people.theo!)).at(-1)).toEqual({
      actor: SELF_CANCEL_ACTOR,
      details: { halfDay: key(running[4]!), from: null, to: 'excused' },
    });
  });
});
