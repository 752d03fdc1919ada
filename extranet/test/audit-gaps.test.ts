import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest, intake, lastMailLink, totp } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * Issue 8, item 9: list views, searches (that one was made and how many results, never the
 * term), the call list, outbox reads, sign-in successes and failures, two-factor and account
 * changes are in the audit log, and the journal names them in French. Built server, both databases.
 */

const ADMIN = 'admin@maillage.test';
const ADVISOR = 'conseiller@maillage.test';
const GOOD_PASSWORD = 'une phrase de passe solide 42';

describe.each(BACKENDS)('audit log on %s', (backend) => {
  let server: RunningServer;
  let admin: Browser;
  let advisor: Browser;
  let advisorId = '';

  // Reads reach audit_log through the journal: settled first, so a missing row is a missing audit.
  const rows = async (action: string) => {
    await server.settleAudit();
    return server.db.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', action)
      .orderBy('id')
      .execute();
  };
  const lastRow = async (action: string) => (await rows(action)).at(-1);
  const details = (row: { details_json: string | null } | undefined) => JSON.parse(row?.details_json ?? '{}');

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-audit', 'valenciennois', 20);
    admin = new Browser(server.url);
    advisor = new Browser(server.url);
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    advisorId = (
      await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', ADVISOR)
        .executeTakeFirstOrThrow()
    ).id;
    for (const lastName of ['Cherchable', 'Autre'])
      expect(
        (await intake(server.url, eventRequest('ev-audit', { lastName, preferredContact: 'appel' }))).status,
      ).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('records sign-ins and refused sign-ins, without the password and without an unknown address', async () => {
    const signedIn = (await rows('auth.signin')).filter((r) => r.actor_id === advisorId);
    expect(signedIn.length).toBeGreaterThan(0);
    expect(signedIn[0]?.entity_id).toBe(advisorId);

    const wrong = 'mauvais mot de passe tenté 77';
    expect((await new Browser(server.url).signIn(ADVISOR, wrong)).status).toBe(401);
    const failed = await lastRow('auth.signin-failed');
    expect(failed?.actor_id).toBeNull();
    expect(failed?.entity_id).toBe(advisorId);
    expect(details(failed)).toEqual({ step: 'password', reason: 'wrong-credentials', knownAccount: true });

    const stranger = 'quelquun.dinconnu@exemple.test';
    expect((await new Browser(server.url).signIn(stranger, wrong)).status).toBe(401);
    const unknown = await lastRow('auth.signin-failed');
    expect(unknown?.id).not.toBe(failed?.id);
    expect(unknown?.entity_id).toBeNull();
    expect(details(unknown)).toEqual({ step: 'password', reason: 'wrong-credentials', knownAccount: false });
    const everything = JSON.stringify(await server.db.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [wrong, stranger, 'dinconnu']) expect(everything).not.toContain(secret);
  });

  it.each([
    {
      what: 'inbox',
      listPath: '/demandes?status=received',
      list: 'registration.list',
      listDetails: { page: 1, results: 2, shown: 2, filters: ['status'] },
      searchPath: '/demandes?_action=registrations.filter',
      searchForm: { q: 'cherchable', status: '' } as Record<string, string>,
      search: 'registration.search',
    },
    {
      what: 'person list',
      listPath: '/personnes',
      list: 'person.list',
      listDetails: { page: 1 },
      searchPath: '/personnes?_action=persons.filter',
      searchForm: { q: 'cherchable' },
      search: 'person.search',
    },
  ])(
    'records each view of the $what, and a search with its number of results but never the term',
    async (c) => {
      expect((await advisor.get(c.listPath)).status).toBe(200);
      const list = await lastRow(c.list);
      expect(list?.actor_id).toBe(advisorId);
      expect(details(list)).toMatchObject(c.listDetails);

      const res = await advisor.post(c.searchPath, c.searchForm);
      expect((await advisor.get(location(res))).status).toBe(200);
      const search = await lastRow(c.search);
      expect(search?.actor_id).toBe(advisorId);
      expect(details(search)).toMatchObject({ results: 1, shown: 1 });
      const everything = JSON.stringify(await server.db.db.selectFrom('audit_log').selectAll().execute());
      expect(everything.toLowerCase()).not.toContain('cherchable');
    },
  );

  it('records the call list and the outbox, list and message', async () => {
    // An accepted person who prefers a call: one call to make.
    const { id: toCall } = await server.db.db
      .selectFrom('registration')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(
      (
        await advisor.post(`/demandes/${toCall}?_action=registrations.decide`, {
          registration: String(toCall),
          decision: 'accept',
        })
      ).status,
    ).toBe(303);
    expect((await advisor.get('/a-appeler')).status).toBe(200);
    expect(details(await lastRow('call.list'))).toEqual({ shown: 1, sms: 0 });
    // The SMS page: numbers and texts, a read recorded (how many, not whose).
    expect((await advisor.get('/sms')).status).toBe(200);
    expect(details(await lastRow('sms.list'))).toEqual({ shown: 0, page: 1 });
    expect((await admin.get('/courriels')).status).toBe(200);
    const outboxList = await lastRow('outbox.list');
    expect(details(outboxList)).toMatchObject({ page: 1, filter: null });
    expect(details(outboxList).shown).toBeGreaterThan(0);
    const message = await server.db.db
      .selectFrom('outbox')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect((await admin.get(`/courriels/${message.id}`)).status).toBe(200);
    expect((await lastRow('outbox.read'))?.entity_id).toBe(String(message.id));
  });

  it('records account changes, two-factor activation and the two-factor step of sign-in', async () => {
    const email = 'audit.admin2@maillage.test';
    expect(
      (
        await admin.post('/admin/comptes?_action=accounts.invite', {
          name: 'Audit',
          email,
          role: 'admin',
          territories: [],
        })
      ).status,
    ).toBe(303);
    const { id } = await server.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect((await lastRow('account.invite'))?.entity_id).toBe(id);
    expect((await admin.post('/admin/comptes?_action=accounts.reinvite', { user: id })).status).toBe(303);
    expect((await lastRow('account.reinvite'))?.entity_id).toBe(id);
    expect(
      (
        await admin.post('/admin/comptes?_action=accounts.territories', {
          user: id,
          territories: ['douaisis'],
        })
      ).status,
    ).toBe(303);
    expect(details(await lastRow('account.territories'))).toEqual({ territories: ['douaisis'], before: [] });
    // An unknown account is « introuvable » (404) whatever else is wrong; a forged territory changes nothing.
    const forged = { user: 'nobody', territories: ['atlantide'] };
    const unknown = await admin.post('/admin/comptes?_action=accounts.territories', forged);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Compte introuvable.');
    const bad = await admin.post('/admin/comptes?_action=accounts.territories', { ...forged, user: id });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Territoire inconnu.');
    expect(details(await lastRow('account.territories'))).toEqual({ territories: ['douaisis'], before: [] });

    const link = new URL(await lastMailLink(server.db, email, 'invitation'));
    const b = new Browser(server.url);
    await b.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(location(await b.signIn(email, GOOD_PASSWORD))).toContain('/demandes');
    const setup = await (
      await b.post('/compte/securite?_action=account.enableTwoFactor', { password: GOOD_PASSWORD })
    ).text();
    expect((await lastRow('account.two-factor-setup'))?.entity_id).toBe(id);
    const secret = setup.match(/<code>([A-Z2-7]{16,})<\/code>/)?.[1] as string;
    expect(
      (await b.post('/compte/securite?_action=account.verifyTwoFactor', { code: await totp(secret) })).status,
    ).toBe(303);
    expect((await lastRow('account.two-factor-enable'))?.actor_id).toBe(id);

    const again = new Browser(server.url);
    expect(location(await again.signIn(email, GOOD_PASSWORD))).toContain('/connexion/code');
    const before = (await rows('auth.signin')).length;
    expect((await again.post('/connexion/code?_action=auth.verifyCode', { code: '000000' })).status).toBe(
      400,
    );
    expect(details(await lastRow('auth.signin-failed'))).toEqual({ step: 'code', backupCode: false });
    expect((await rows('auth.signin')).length).toBe(before);
    expect(
      location(
        await again.post('/connexion/code?suivant=/demandes&_action=auth.verifyCode', {
          code: await totp(secret),
        }),
      ),
    ).toBe('/demandes');
    const signedIn = await lastRow('auth.signin');
    expect(signedIn?.actor_id).toBe(id);
    expect(details(signedIn)).toEqual({ step: 'code', backupCode: false });
  });

  it('shows the new actions in French in the admin journal', async () => {
    for (const [action, label] of [
      ['auth.signin', 'Connexion réussie'],
      ['auth.signin-failed', 'Connexion refusée'],
      ['registration.list', 'Liste des demandes consultée'],
      ['registration.search', 'Recherche dans les demandes'],
      ['person.list', 'Liste des personnes consultée'],
      ['person.search', 'Recherche dans les personnes'],
      ['call.list', 'Liste « À appeler » consultée'],
      ['outbox.list', 'Liste des courriels consultée'],
      ['sms.list', 'Liste des SMS consultée'],
      ['account.two-factor-enable', 'Double authentification activée'],
      ['account.reinvite', 'Invitation renvoyée'],
    ] as const) {
      const page = await (await admin.get(`/admin/journal?action=${action}`)).text();
      // The table, not the filter's options.
      const table = page.split('<tbody>')[1]?.split('</tbody>')[0] ?? '';
      expect(table, action).toContain(`<td>${label}</td>`);
      expect(table, action).not.toContain(action);
    }
  });
});
