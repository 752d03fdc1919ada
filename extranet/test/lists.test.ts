import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertEventCopy } from '../src/features/events/events.repository.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { personFromIntake, signedInTeam, visibleText } from './support/people.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * Issue 19, lists that say what to do and the complete person file, against the built extranet on
 * SQLite and PostgreSQL: /demandes' default filter and « Nouveau », the two-step cancellation,
 * /accompagnements' filters, sort, 3-year flag and contact kinds, « Tous présents » with
 * exceptions in one request, « Ma journée », and the timeline's date-only notes.
 */
const today = parisDate();

describe.each(BACKENDS)('lists and the person file on %s', (backend) => {
  let server: RunningServer;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  let advisorId: string;
  let phone = 50_000_000;

  const db = () => server.db.db;
  const page = async (b: Browser, path: string) => {
    const res = await b.get(path);
    expect(res.status, path).toBe(200);
    return res.text();
  };

  /** A person straight into the database (Valenciennois), with `first` as first name. */
  async function person(first: string, last: string) {
    phone += 1;
    return insertPerson(db(), new Date().toISOString(), {
      first_name: first,
      last_name: last,
      phone: `+336${phone}`,
    });
  }

  /** An open support of the demo advisor, started on `startedOn` (Paris date). */
  async function supportOf(
    personId: number,
    startedOn: string,
    phase: 'emergence' | 'creation' = 'emergence',
  ) {
    const at = parisInstant(startedOn, '10:00').toISOString();
    const row = await db()
      .insertInto('support')
      .values({
        person_id: personId,
        advisor_id: advisorId,
        phase,
        started_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('support_phase')
      .values({ support_id: row.id, phase, started_on: startedOn, changed_by: advisorId, created_at: at })
      .execute();
    return row.id;
  }

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    await addEvent(server.db, 'ev-camb', 'cambresis', 10);
    ({ admin, advisor, outsider } = await signedInTeam(server));
    advisorId = (
      await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'conseiller@maillage.test')
        .executeTakeFirstOrThrow()
    ).id;
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('/demandes', () => {
    it('opens on the requests waiting for a decision; « tous » and the other statuses stay in the address', async () => {
      const waiting = await personFromIntake(server, 'ev-val', { lastName: 'Attenddecision' });
      const decided = await personFromIntake(server, 'ev-val', { lastName: 'Dejaacceptee' });
      await db()
        .updateTable('registration')
        .set({ status: 'accepted' })
        .where('id', '=', decided.registrationId)
        .execute();

      const opening = visibleText(await page(advisor, '/demandes'));
      expect(opening).toContain('Demandes en attente d’une décision');
      expect(opening).toContain('Attenddecision');
      expect(opening).not.toContain('Dejaacceptee');

      const all = visibleText(await page(advisor, '/demandes?status=tous'));
      expect(all).toContain('Attenddecision');
      expect(all).toContain('Dejaacceptee');
      const accepted = visibleText(await page(advisor, '/demandes?status=accepted'));
      expect(accepted).toContain('Dejaacceptee');
      expect(accepted).not.toContain('Attenddecision');
      // The filter form keeps « Tous » as a value of its own, so the redirect is the shareable address.
      const filtered = await advisor.post('/demandes?_action=registrations.filter', {
        status: 'tous',
        q: '',
      });
      expect(location(filtered)).toBe('/demandes?status=tous');
      expect(waiting.registrationId).toBeGreaterThan(0);
    });

    it('shows « Nouveau » until the request is first opened by someone of its territory, not by another territory', async () => {
      const { registrationId } = await personFromIntake(server, 'ev-val', { lastName: 'Nouvellearrivee' });
      const row = (html: string) => {
        const text = visibleText(html);
        const at = text.indexOf('Nouvellearrivee');
        return text.slice(Math.max(0, at - 40), at);
      };
      expect(row(await page(admin, '/demandes'))).toContain('Nouveau');
      // Another territory's advisor cannot open it (404), and it stays new.
      expect((await outsider.get(`/demandes/${registrationId}`)).status).toBe(404);
      expect(row(await page(advisor, '/demandes'))).toContain('Nouveau');
      // Opened once by the territory's advisor: no longer new, for everyone (the admin too).
      await page(advisor, `/demandes/${registrationId}`);
      const first = await db()
        .selectFrom('registration')
        .select('first_opened_at')
        .where('id', '=', registrationId)
        .executeTakeFirstOrThrow();
      expect(first.first_opened_at).not.toBeNull();
      expect(row(await page(admin, '/demandes'))).not.toContain('Nouveau');
      expect(row(await page(advisor, '/demandes'))).not.toContain('Nouveau');
      // A later opening keeps the first instant.
      await page(admin, `/demandes/${registrationId}`);
      const again = await db()
        .selectFrom('registration')
        .select('first_opened_at')
        .where('id', '=', registrationId)
        .executeTakeFirstOrThrow();
      expect(again.first_opened_at).toBe(first.first_opened_at);
    });

    it('cancels a place only after its confirmation step, and never with a choice ticked in advance', async () => {
      const { registrationId } = await personFromIntake(server, 'ev-val', { lastName: 'Annulationdouce' });
      const decide = (fields: Record<string, string>) =>
        advisor.post(`/demandes/${registrationId}?_action=registrations.decide`, {
          registration: String(registrationId),
          ...fields,
        });
      expect((await decide({ decision: 'accept', expected: 'received' })).status).toBe(303);
      const after = await page(advisor, `/demandes/${registrationId}`);
      expect(after).toContain('value="cancel"');
      expect(after).not.toMatch(/<input[^>]*value="cancel"[^>]*checked/);

      // First step: nothing cancelled, the confirmation is asked (a plain form, no script).
      const step = await decide({
        decision: 'cancel',
        expected: 'accepted',
        reason: 'Reportée à la prochaine session',
      });
      expect(step.status).toBe(200);
      const html = await step.text();
      expect(visibleText(html)).toContain('Confirmer l’annulation de l’inscription');
      expect(html).toContain('name="confirm" value="oui"');
      expect(html).toContain('Reportée à la prochaine session');
      expect(html).toContain(`href="/demandes/${registrationId}"`);
      const still = await db()
        .selectFrom('registration')
        .select('status')
        .where('id', '=', registrationId)
        .executeTakeFirstOrThrow();
      expect(still.status).toBe('accepted');

      // A tampered confirmation is refused; the real one cancels.
      expect((await decide({ decision: 'cancel', expected: 'accepted', confirm: 'peut-etre' })).status).toBe(
        400,
      );
      const done = await decide({ decision: 'cancel', expected: 'accepted', confirm: 'oui', reason: '' });
      expect(done.status).toBe(303);
      expect(location(done)).toContain('fait=cancel');
      const cancelled = await db()
        .selectFrom('registration')
        .select('status')
        .where('id', '=', registrationId)
        .executeTakeFirstOrThrow();
      expect(cancelled.status).toBe('cancelled');
    });
  });

  describe('/accompagnements', () => {
    it('filters by phase and end, sorts by end date, and flags 3 years 60 days ahead and past', async () => {
      const soon = await supportOf(
        await person('Bientot', 'Troisans'),
        addDays(addDays(today, -3 * 365), 30),
      );
      const over = await supportOf(
        await person('Depasse', 'Troisans'),
        addDays(today, -3 * 365 - 20),
        'creation',
      );
      const fresh = await supportOf(await person('Recent', 'Debut'), addDays(today, -10));

      const list = visibleText(await page(advisor, '/accompagnements?fin=a-cloturer&tri=fin'));
      expect(list).toMatch(/Fin dans \d+ jours : à clôturer/);
      expect(list).toContain('Plus de 3 ans : clôturer avec un résultat');
      expect(list).not.toContain('Recent Debut');
      // Sorted by end date: the one past its 3 years first.
      expect(list.indexOf('Depasse Troisans')).toBeLessThan(list.indexOf('Bientot Troisans'));
      const html = await page(advisor, '/accompagnements?fin=a-cloturer&tri=fin');
      expect(html).toContain(`href="/accompagnements/${over}#end-titre"`);
      expect(html).toContain(`href="/accompagnements/${soon}#end-titre"`);

      const creation = visibleText(await page(advisor, '/accompagnements?phase=creation'));
      expect(creation).toContain('Depasse Troisans');
      expect(creation).not.toContain('Bientot Troisans');
      // Invalid values are ignored, not an error.
      expect((await advisor.get('/accompagnements?phase=nimporte&tri=x&page=-3')).status).toBe(200);
      // The support past 3 years says it must be closed, with the one action.
      const file = visibleText(await page(advisor, `/accompagnements/${over}`));
      expect(file).toContain('il doit être clôturé avec un résultat');
      expect(fresh).toBeGreaterThan(0);
    });

    it('counts an appointment held and a half-day attended as contact, not only notes', async () => {
      const started = addDays(today, -100);
      const metId = await person('Rencontree', 'Rendezvous');
      const met = await supportOf(metId, started);
      const cameId = await person('Venue', 'Session');
      const came = await supportOf(cameId, started);
      const quietId = await person('Silencieuse', 'Personne');
      await supportOf(quietId, started);
      const at = parisInstant(addDays(today, -3), '10:00').toISOString();
      await db()
        .insertInto('appointment')
        .values({
          person_id: metId,
          advisor_id: advisorId,
          territory: 'valenciennois',
          starts_at: at,
          duration_min: 60,
          place_kind: 'bureau',
          status: 'venu',
          created_at: at,
          updated_at: at,
        })
        .execute();
      const reg = await db()
        .insertInto('registration')
        .values(
          registrationRow({
            reference: `MAI-2026-8${String(phone).slice(-5)}`,
            person_id: cameId,
            territory: 'valenciennois',
            created_at: at,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      await db()
        .insertInto('attendance')
        .values({
          registration_id: reg.id,
          slot_date: addDays(today, -2),
          slot_start: '09:00',
          status: 'present',
          recorded_at: at,
          recorded_by: advisorId,
        })
        .execute();

      const quiet = visibleText(await page(advisor, '/accompagnements?contact=sans-contact'));
      expect(quiet).toContain('Silencieuse Personne');
      expect(quiet).not.toContain('Rencontree Rendezvous');
      expect(quiet).not.toContain('Venue Session');
      const recent = visibleText(await page(advisor, '/accompagnements?contact=recent'));
      expect(recent).toContain('Rencontree Rendezvous');
      expect(recent).toContain('Venue Session');
      expect(met).not.toBe(came);
    });
  });

  it('records a whole half-day in one request: all present but the exceptions chosen on their rows', async () => {
    await upsertEventCopy(db(), {
      documentId: 'ses-jour',
      title: 'Parcours des Possibles du jour',
      kind: 'session',
      programTitle: 'Parcours des Possibles',
      programKind: 'parcours',
      territory: 'valenciennois',
      territoryName: 'Valenciennois',
      slots: [{ date: today, start: '09:00', end: '12:00' }],
      capacity: 10,
      venue: { name: 'Salle', address: '1 rue', postcode: '59300', commune: 'Valenciennes' },
    });
    const enrol = async (first: string) => {
      const personId = await person(first, 'Journee');
      const at = new Date().toISOString();
      return (
        await db()
          .insertInto('registration')
          .values(
            registrationRow({
              reference: `MAI-2026-7${String(phone).slice(-5)}`,
              person_id: personId,
              event_id: 'ses-jour',
              territory: 'valenciennois',
              created_at: at,
            }),
          )
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    };
    const [a, b, c] = [await enrol('Ada'), await enrol('Bert'), await enrol('Cleo')];
    const halfDay = `${today}T09:00`;
    const html = await page(advisor, `/sessions/ses-jour?demi-journee=${encodeURIComponent(halfDay)}`);
    // Each unmarked row carries its exception radios, tied to the one « Tous présents » form, present by default.
    expect(html).toMatch(
      new RegExp(`<input[^>]*form="tous-presents"[^>]*name="x-${a}"[^>]*value="present"[^>]*checked`),
    );
    expect(html).toContain(`name="x-${b}" value="absent"`);

    const res = await advisor.post('/sessions/ses-jour?_action=sessions.allPresent', {
      session: 'ses-jour',
      halfDay,
      [`x-${a}`]: 'present',
      [`x-${b}`]: 'absent',
      [`x-${c}`]: 'excused',
    });
    expect(res.status).toBe(303);
    expect(location(res)).toContain('tous=3');
    expect(location(res)).toContain('sauf=2');
    const marks = await db()
      .selectFrom('attendance')
      .select(['registration_id', 'status'])
      .where('registration_id', 'in', [a, b, c])
      .orderBy('registration_id')
      .execute();
    expect(marks.map((m) => m.status)).toEqual(['present', 'absent', 'excused']);
    const shown = visibleText(await page(advisor, location(res)));
    expect(shown).toContain('3 personne(s) notée(s) : 1 présente(s), 2 absente(s) ou excusée(s).');
    // A value outside the three is refused, nothing recorded.
    const d = await enrol('Dora');
    const bad = await advisor.post('/sessions/ses-jour?_action=sessions.allPresent', {
      session: 'ses-jour',
      halfDay,
      [`x-${d}`]: 'parti',
    });
    expect(bad.status).toBe(400);
    expect(
      await db().selectFrom('attendance').select('id').where('registration_id', '=', d).execute(),
    ).toEqual([]);
    // Another territory's advisor cannot record it.
    expect(
      (
        await outsider.post('/sessions/ses-jour?_action=sessions.allPresent', {
          session: 'ses-jour',
          halfDay,
        })
      ).status,
    ).toBe(404);
  });

  it('« Ma journée » lists the day and what waits, each with its link; the home page opens on it', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { lastName: 'Actionenretard' });
    const noted = await advisor.post(`/personnes/${personId}?_action=persons.note`, {
      person: String(personId),
      kind: 'appel',
      occurredOn: today,
      body: 'Appel pour le budget.',
      nextAction: 'Relancer pour le budget',
      dueOn: today,
    });
    expect(noted.status).toBe(303);
    const day = await page(advisor, '/ma-journee');
    const text = visibleText(day);
    expect(text).toContain('Ma journée');
    expect(text).toContain('Mes rendez-vous d’aujourd’hui');
    expect(text).toMatch(/\d+ demande\(s\) attendent une décision/);
    expect(day).toContain('href="/demandes"');
    expect(text).toContain('Relancer pour le budget');
    expect(day).toMatch(/href="\/notes\/\d+"/);
    expect(day).toContain('href="/sessions/ses-jour?demi-journee=');
    // Signed in without a page asked for, the advisor lands on the home page, which opens on « Ma journée ».
    const fresh = new Browser(server.url);
    const signedIn = await fresh.post('/connexion?_action=auth.signIn', {
      email: 'conseiller@maillage.test',
      password: DEMO_PASSWORD,
    });
    expect(location(signedIn)).toBe('/');
    const home = await page(fresh, '/');
    // Each view of the board is a read, audited with counts only (never a name).
    await server.settleAudit();
    const reads = await db()
      .selectFrom('audit_log')
      .select('details_json')
      .where('action', '=', 'dashboard.list')
      .execute();
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.map((r) => r.details_json).join(' ')).not.toContain('Actionenretard');
    expect(visibleText(home).indexOf('Ma journée')).toBeLessThan(
      visibleText(home).indexOf('Nouvelles demandes'),
    );
  });

  it('orders the timeline by each event’s real instant, a note without a time shown as a date only', async () => {
    const { personId } = await personFromIntake(server, 'ev-val', { lastName: 'Chronologie' });
    const note = (fields: Record<string, string>) =>
      advisor.post(`/personnes/${personId}?_action=persons.note`, {
        person: String(personId),
        kind: 'entretien',
        ...fields,
      });
    const yesterday = addDays(today, -1);
    expect((await note({ occurredOn: yesterday, occurredTime: '08:15', body: 'Matin hier' })).status).toBe(
      303,
    );
    expect((await note({ occurredOn: yesterday, body: 'Sans heure hier' })).status).toBe(303);
    expect(
      (await note({ occurredOn: addDays(today, -5), occurredTime: '16:40', body: 'Il y a cinq jours' }))
        .status,
    ).toBe(303);
    // The future is not a note: an action or an appointment; the form says so and keeps what was typed.
    const future = await note({ occurredOn: addDays(today, 3), body: 'Plus tard' });
    expect(future.status).toBe(400);
    expect(visibleText(await future.text())).toContain('Pour plus tard, écrivez une prochaine action');

    const rows = await db()
      .selectFrom('note')
      .select(['body', 'occurred_time'])
      .where('person_id', '=', personId)
      .execute();
    expect(rows.find((r) => r.body === 'Sans heure hier')?.occurred_time).toBeNull();
    const file = visibleText(await page(advisor, `/personnes/${personId}`));
    const history = file.slice(file.indexOf('Historique'));
    const order = ['Sans heure hier', 'Matin hier', 'Il y a cinq jours'].map((b) => history.indexOf(b));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    const [y, m, d] = yesterday.split('-');
    const shortYesterday = `${d}/${m}/${y}`;
    expect(history).toContain(`${shortYesterday} 08:15`);
    expect(history).not.toContain(`${shortYesterday} 12:00`);
    expect(history).toMatch(new RegExp(`${shortYesterday} · [^·]*Note : Entretien Sans heure hier`));
  });

  it('shows the person file’s summary, « À venir » apart, the requests and the needs, and 404 to another territory', async () => {
    const { personId, registrationId } = await personFromIntake(server, 'ev-val', {
      lastName: 'Resumee',
      needs: { transport: true, childcare: true },
    });
    await advisor.post(`/personnes/${personId}?_action=persons.note`, {
      person: String(personId),
      kind: 'entretien',
      occurredOn: today,
      body: 'Premier entretien.',
      nextAction: 'Envoyer la liste des pièces',
      dueOn: addDays(today, 4),
    });
    const html = await page(advisor, `/personnes/${personId}`);
    const text = visibleText(html);
    expect(text).toContain('En bref');
    expect(text).toMatch(/Territoire .*valenciennois|Valenciennois/);
    const upcoming = text.slice(text.indexOf('À venir'), text.indexOf('Coordonnées et situation'));
    expect(upcoming).toContain('Envoyer la liste des pièces');
    expect(html).toContain(`href="/demandes/${registrationId}"`);
    expect(html).toContain('href="/sessions/ev-val"');
    expect(text).toContain('Besoins signalés transport, garde d’enfants');
    expect(text).toContain('E-mails envoyés à la personne');
    expect((await outsider.get(`/personnes/${personId}`)).status).toBe(404);
  });
});
