import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parisDate } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountKey } from '../src/features/auth/throttle.service.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest, intake, lastMailLink, totp } from './support/fixtures.ts';
import {
  BACKENDS,
  DEMO_PASSWORD,
  type RunningServer,
  startServer,
  WEBHOOK_SECRET,
} from './support/server.ts';

/** The pages under src/pages that handle a POST, as routes (`/demandes/[id]`), API routes aside. */
function postPages(dir = fileURLToPath(new URL('../src/pages/', import.meta.url)), base = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const name = entry.name.replace(/\.(astro|ts)$/, '').replace(/^index$/, '');
    const route = `${base}/${name}`.replace(/\/$/, '') || '/';
    if (entry.isDirectory()) return route === '/api' ? [] : postPages(join(dir, entry.name), route);
    const source = readFileSync(join(dir, entry.name), 'utf8');
    // A page posts to itself (method === 'POST') or to its form actions (postedForm, lib/action.ts).
    return /method === 'POST'|export const POST|postedForm\(/.test(source) ? [route] : [];
  });
}

const ADMIN = 'admin@maillage.test';
const ADVISOR = 'conseiller@maillage.test';
const GOOD_PASSWORD = 'une phrase de passe solide 42';

describe.each(BACKENDS)('extranet on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser; // advisor of Cambrésis only
  const ids = { val: 0, camb: 0 };
  const refs = { val: '', camb: '' };

  async function registrationId(reference: string): Promise<number> {
    const row = await server.db.db
      .selectFrom('registration')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function statusOf(id: number): Promise<string> {
    const row = await server.db.db
      .selectFrom('registration')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.status;
  }

  /** Admin invites someone; they set a password from the emailed link and sign in. */
  async function invite(email: string, role: 'admin' | 'advisor', territories: string[]): Promise<Browser> {
    const res = await admin.post('/admin/comptes?_action=accounts.invite', {
      name: `Test ${email}`,
      email,
      role,
      territories,
    });
    expect(res.status).toBe(303);
    const link = await lastMailLink(server.db, email, 'invitation');
    const invited = new Browser(server.url);
    const path = new URL(link).pathname + new URL(link).search;
    expect((await invited.get(path)).status).toBe(200);
    const set = await invited.post(`${path}&_action=auth.resetPassword`, {
      password: GOOD_PASSWORD,
      confirmation: GOOD_PASSWORD,
    });
    expect(set.status).toBe(303);
    expect(location(set)).toContain('/connexion?reinitialise=1');
    expect(location(await invited.signIn(email, GOOD_PASSWORD))).toContain('/demandes');
    return invited;
  }

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    await addEvent(server.db, 'ev-camb', 'cambresis', 10);
    await addEvent(server.db, 'ev-last', 'valenciennois', 1);
    anonymous = new Browser(server.url);
    admin = new Browser(server.url);
    advisor = new Browser(server.url);
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    outsider = await invite('cambresis@maillage.test', 'advisor', ['cambresis']);

    const val = await intake(server.url, eventRequest('ev-val', { firstName: 'Valentine' }));
    const camb = await intake(server.url, eventRequest('ev-camb', { firstName: 'Camille' }));
    expect(val.status).toBe(201);
    expect(camb.status).toBe(201);
    refs.val = ((await val.json()) as { reference: string }).reference;
    refs.camb = ((await camb.json()) as { reference: string }).reference;
    ids.val = await registrationId(refs.val);
    ids.camb = await registrationId(refs.camb);
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('access matrix', () => {
    it('sends anonymous visitors to the sign-in page from every private page', async () => {
      for (const path of [
        '/demandes',
        `/demandes/${ids.val}`,
        '/admin/comptes',
        '/admin/journal',
        '/courriels',
        '/a-appeler',
        '/compte/securite',
        '/personnes',
        '/personnes/1',
        '/personnes/nouvelle',
        '/accompagnements',
        '/accompagnements/1',
        '/notes/1',
        '/actions',
        '/admin/conservation',
        '/admin/personnes/1',
        '/indicateurs',
        '/indicateurs/export?annee=2024&jeu=participants&format=csv',
      ]) {
        const res = await anonymous.get(path);
        expect(res.status, path).toBe(303);
        expect(location(res), path).toContain('/connexion?suivant=');
      }
      for (const [path, form] of [
        [
          `/demandes/${ids.val}?_action=registrations.decide`,
          { registration: String(ids.val), decision: 'accept' },
        ],
        [
          `/demandes/${ids.val}?_action=registrations.attachContact`,
          { registration: String(ids.val), person: '1', target: 'new' },
        ],
        ['/demandes?_action=registrations.accept', { ids: String(ids.val) }],
        ['/admin/comptes?_action=accounts.disable', { user: 'x' }],
        ['/courriels?_action=mail.retry', { retry: '1' }],
        ['/a-appeler?_action=calls.record', { id: '1', outcome: 'joint' }],
        ['/compte/securite?_action=account.enableTwoFactor', { password: 'x' }],
        ['/personnes?_action=persons.filter', { q: 'x' }],
        ['/personnes/1?_action=persons.note', { person: '1', kind: 'appel', body: 'x' }],
        ['/personnes/nouvelle?_action=persons.enter', { firstName: 'x' }],
        ['/accompagnements?_action=supports.start', { person: '1' }],
        ['/accompagnements/1?_action=supports.phase', { support: '1', phase: 'maturation' }],
        ['/notes/1?_action=notes.done', { note: '1' }],
        ['/actions?_action=notes.done', { note: '1' }],
        ['/admin/conservation?_action=retention.setPeriod', { months: '1' }],
        [
          '/admin/personnes/1?_action=retention.erase',
          { person: '1', intent: 'erase-confirm', confirm: 'on' },
        ],
        ['/indicateurs?_action=indicators.setTargets', { annee: '2024', participants: '50', porteurs: '20' }],
      ] as const) {
        const post = await anonymous.post(path, form);
        expect(post.status, path).toBe(303);
        expect(location(post), path).toContain('/connexion');
      }
    });

    it('shows each advisor only the registrations of their territories', async () => {
      const mine = await (await advisor.get('/demandes')).text();
      expect(mine).toContain(refs.val);
      expect(mine).not.toContain(refs.camb);
      const theirs = await (await outsider.get('/demandes')).text();
      expect(theirs).toContain(refs.camb);
      expect(theirs).not.toContain(refs.val);
      const all = await (await admin.get('/demandes')).text();
      expect(all).toContain(refs.val);
      expect(all).toContain(refs.camb);
    });

    it('answers 404 to an advisor of another territory, without leaking the record', async () => {
      const res = await outsider.get(`/demandes/${ids.val}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('Valentine');
      expect((await outsider.get('/demandes/999999')).status).toBe(404);
      expect((await advisor.get(`/demandes/${ids.val}`)).status).toBe(200);
      const adminView = await admin.get(`/demandes/${ids.camb}`);
      expect(adminView.status).toBe(200);
      expect(await adminView.text()).toContain('Camille');
    });

    it('refuses decisions on another territory’s registration and changes nothing', async () => {
      const res = await outsider.post(`/demandes/${ids.val}?_action=registrations.decide`, {
        registration: String(ids.val),
        decision: 'decline',
        reason: 'test',
      });
      expect(res.status).toBe(404);
      expect(await statusOf(ids.val)).toBe('received');
    });

    it('ignores another territory’s registrations in a bulk accept', async () => {
      const res = await outsider.post('/demandes?_action=registrations.accept', { ids: [String(ids.val)] });
      expect(location(res)).toContain('acceptees=0');
      expect(await statusOf(ids.val)).toBe('received');
    });

    it('never redirects outside the extranet after sign-in', async () => {
      const b = new Browser(server.url);
      const res = await b.post('/connexion?_action=auth.signIn', {
        email: ADVISOR,
        password: DEMO_PASSWORD,
        suivant: '//evil.example/x',
      });
      expect(location(res)).toBe('/');
    });

    it('keeps admin pages and actions for admins', async () => {
      const person = (
        await server.db.db
          .selectFrom('registration')
          .select('person_id')
          .where('id', '=', ids.val)
          .executeTakeFirstOrThrow()
      ).person_id;
      for (const path of [
        '/admin/comptes',
        '/admin/journal',
        '/courriels',
        '/admin/conservation',
        `/admin/personnes/${person}`,
      ]) {
        expect((await advisor.get(path)).status, path).toBe(403);
        expect((await outsider.get(path)).status, path).toBe(403);
        expect((await admin.get(path)).status, path).toBe(200);
      }
      const users = await server.db.db.selectFrom('users').select(['id', 'email']).execute();
      const adminId = users.find((u) => u.email === ADMIN)!.id;
      const res = await advisor.post('/admin/comptes?_action=accounts.disable', { user: adminId });
      expect(res.status).toBe(403);
      expect((await advisor.post('/courriels?_action=mail.retry', { retry: '1' })).status).toBe(403);
      expect((await advisor.get('/courriels/1')).status).toBe(403);
      expect(
        (await advisor.post('/admin/conservation?_action=retention.setPeriod', { months: '1' })).status,
      ).toBe(403);
      const erase = { person: String(person), intent: 'erase-confirm', confirm: 'on' };
      expect((await advisor.post(`/admin/personnes/${person}?_action=retention.erase`, erase)).status).toBe(
        403,
      );
      expect((await advisor.get(`/admin/personnes/${person}/donnees.json`)).status).toBe(403);
      expect(await server.db.db.selectFrom('retention_setting').select('id').execute()).toEqual([]);
      expect(await server.db.db.selectFrom('waitlist_setting').select('id').execute()).toEqual([]);
      expect(
        (
          await server.db.db
            .selectFrom('person')
            .select('erased_at')
            .where('id', '=', person)
            .executeTakeFirstOrThrow()
        ).erased_at,
      ).toBeNull();
      expect((await admin.get('/demandes')).status).toBe(200);
      // Indicators: every role reads them (scoped); only admins set the targets or export contacts.
      expect((await advisor.get('/indicateurs')).status).toBe(200);
      expect(
        (
          await advisor.post('/indicateurs?_action=indicators.setTargets', {
            annee: '2024',
            participants: '1',
            porteurs: '1',
          })
        ).status,
      ).toBe(403);
      expect(
        (await outsider.get('/indicateurs/export?annee=2024&jeu=participants&format=csv&coordonnees=1'))
          .status,
      ).toBe(403);
      expect(await server.db.db.selectFrom('indicator_target').select('id').execute()).toEqual([]);
    });

    it('records reads and changes in the audit log shown to admins', async () => {
      const journal = await (await admin.get('/admin/journal?action=registration.read')).text();
      expect(journal).toContain(`/demandes/${ids.val}`);
      expect(journal).toContain(ADVISOR);
    });

    it('serves availability to anyone, with no personal data, cached 10 s', async () => {
      const res = await anonymous.get('/api/public/availability');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=10');
      const body = (await res.json()) as {
        events: Record<string, { capacity: number; taken: number; left: number }>;
      };
      expect(body.events['ev-val']).toEqual({
        capacity: 10,
        taken: 0,
        left: 10,
        waitlistOpen: false,
        registrationOpen: true,
      });
      expect(JSON.stringify(body)).not.toContain('Valentine');
      expect((await anonymous.get('/api/public/availability/ev-val')).status).toBe(200);
      expect((await anonymous.get('/api/public/availability/nope')).status).toBe(404);
    });

    it('requires the service token for intake and a valid signature for the CMS webhook', async () => {
      expect((await intake(server.url, eventRequest('ev-val'), 'wrong')).status).toBe(401);
      const body = JSON.stringify({
        event: 'entry.publish',
        model: 'event',
        documentId: 'x',
        at: new Date().toISOString(),
      });
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/api/cms-webhook`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...headers },
        });
      expect((await post({})).status).toBe(401);
      const ts = String(Date.now());
      const sig = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${body}`).digest('hex')}`;
      const tampered = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
      expect((await post({ 'x-maillage-timestamp': ts, 'x-maillage-signature': tampered })).status).toBe(401);
      const old = String(Date.now() - 6 * 60_000);
      const oldSig = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${old}.${body}`).digest('hex')}`;
      expect((await post({ 'x-maillage-timestamp': old, 'x-maillage-signature': oldSig })).status).toBe(401);
      // Valid: accepted; the CMS is down in this test, so the copy is kept (202).
      expect((await post({ 'x-maillage-timestamp': ts, 'x-maillage-signature': sig })).status).toBe(202);
    });
  });

  describe('intake API', () => {
    it('answers 400 with French field errors and stores nothing', async () => {
      const before = await server.db.db
        .selectFrom('registration')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const res = await intake(server.url, {
        kind: 'event',
        eventId: 'ev-val',
        idempotencyKey: randomUUID(),
        firstName: '',
        phone: '12',
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; fieldErrors: Record<string, string> };
      expect(body.error).toBe('invalid');
      expect(body.fieldErrors.firstName).toBe('Indiquez votre prénom.');
      expect(body.fieldErrors.phone).toContain('numéro');
      const garbage = await fetch(`${server.url}/api/intake/registrations`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer test-service-token-0123456789',
          'content-type': 'application/json',
        },
        body: '{not json',
      });
      expect(garbage.status).toBe(400);
      const after = await server.db.db
        .selectFrom('registration')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('queues the receipt and the advisors’ notification with the registration', async () => {
      const res = await intake(server.url, eventRequest('ev-val', { email: 'recu@exemple.test' }));
      const { reference } = (await res.json()) as { reference: string };
      const id = await registrationId(reference);
      const mails = await server.db.db
        .selectFrom('outbox')
        .select(['kind', 'to_address', 'text_body'])
        .where('registration_id', '=', id)
        .execute();
      expect(mails.some((m) => m.to_address === 'recu@exemple.test')).toBe(true);
      const notice = mails.find((m) => m.to_address === ADVISOR);
      expect(notice?.text_body).toContain(reference);
      // Advisors' notices carry no personal data.
      expect(notice?.text_body).not.toContain('Awa');
      expect(mails.some((m) => m.to_address === 'cambresis@maillage.test')).toBe(false);
    });

    it('200 concurrent requests, 50 repeating an earlier key: exactly 150 registrations and 200 right answers', async () => {
      const originals = Array.from({ length: 150 }, () => eventRequest('ev-camb', { acceptWaitlist: true }));
      const repeats = originals.slice(0, 50);
      const responses = await Promise.all([...originals, ...repeats].map((b) => intake(server.url, b)));
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as {
        reference: string;
        status: string;
      }[];
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(150);
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      for (let i = 0; i < 50; i++) expect(bodies[150 + i]!.reference).toBe(bodies[i]!.reference);
      expect(new Set(bodies.map((b) => b.reference)).size).toBe(150);
      for (const b of bodies) expect(b.reference).toMatch(/^MAI-\d{4}-\d{6}$/);
      const keys = originals.map((o) => o.idempotencyKey);
      const stored = await server.db.db
        .selectFrom('registration')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('idempotency_key', 'in', keys)
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(150);
    });

    it('says event_full, or puts on the waiting list when accepted', async () => {
      await addEvent(server.db, 'ev-tiny', 'douaisis', 1);
      const first = await intake(server.url, eventRequest('ev-tiny'));
      const id = await registrationId(((await first.json()) as { reference: string }).reference);
      expect(
        (
          await advisor.post(`/demandes/${id}?_action=registrations.decide`, {
            registration: String(id),
            decision: 'accept',
          })
        ).status,
      ).toBe(303);
      expect(await (await intake(server.url, eventRequest('ev-tiny'))).json()).toEqual({
        error: 'event_full',
      });
      const waiting = await intake(server.url, eventRequest('ev-tiny', { acceptWaitlist: true }));
      expect(waiting.status).toBe(201);
      expect(((await waiting.json()) as { status: string }).status).toBe('waitlisted');
      expect(await (await intake(server.url, eventRequest('unknown-event'))).json()).toEqual({
        error: 'event_closed',
      });
    });
  });

  describe('decisions', () => {
    it('gives the last place to exactly one of two advisors accepting at the same moment', async () => {
      const a = await registrationId(
        ((await (await intake(server.url, eventRequest('ev-last'))).json()) as { reference: string })
          .reference,
      );
      const b = await registrationId(
        ((await (await intake(server.url, eventRequest('ev-last'))).json()) as { reference: string })
          .reference,
      );
      const [ra, rb] = await Promise.all([
        advisor.post(`/demandes/${a}?_action=registrations.decide`, {
          registration: String(a),
          decision: 'accept',
        }),
        admin.post(`/demandes/${b}?_action=registrations.decide`, {
          registration: String(b),
          decision: 'accept',
        }),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([303, 409]);
      const loser = ra.status === 409 ? ra : rb;
      expect(await loser.text()).toContain('La session est complète');
      const accepted = await server.db.db
        .selectFrom('registration')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('event_id', '=', 'ev-last')
        .where('status', '=', 'accepted')
        .executeTakeFirstOrThrow();
      expect(Number(accepted.n)).toBe(1);
    });

    it('requires a reason to decline, and proposes the first waiting person when a place frees', async () => {
      await addEvent(server.db, 'ev-wait', 'valenciennois', 1);
      const ref = async (extra = {}) =>
        registrationId(
          ((await (await intake(server.url, eventRequest('ev-wait', extra))).json()) as { reference: string })
            .reference,
        );
      const first = await ref();
      expect(
        (
          await advisor.post(`/demandes/${first}?_action=registrations.decide`, {
            registration: String(first),
            decision: 'accept',
          })
        ).status,
      ).toBe(303);
      const waiting = await ref({ acceptWaitlist: true });
      const noReason = await advisor.post(`/demandes/${waiting}?_action=registrations.decide`, {
        registration: String(waiting),
        decision: 'decline',
        reason: '',
      });
      expect(noReason.status).toBe(400);
      const refusedPage = await noReason.text();
      expect(refusedPage).toContain('Indiquez le motif du refus');
      // The form comes back with the refusal still chosen (a reason typed next must not accept),
      // and nothing is ever chosen in advance.
      const checked = (html: string) =>
        [...html.matchAll(/name="decision" value="(\w+)"[^>]*checked/g)].map((m) => m[1]);
      expect(checked(refusedPage)).toEqual(['decline']);
      // The refused form showed the record again: that is a read, in the audit log.
      await server.settleAudit();
      const reads = await server.db.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'registration.read')
        .where('entity_id', '=', String(waiting))
        .execute();
      expect(reads).toHaveLength(1);
      expect(checked(await (await advisor.get(`/demandes/${waiting}`)).text())).toEqual([]);
      const cancel = await advisor.post(`/demandes/${first}?_action=registrations.decide`, {
        registration: String(first),
        decision: 'cancel',
        confirm: 'oui', // the confirmation step's form
      });
      // The freed place is offered at once to the first person waiting, by their channel.
      expect(location(cancel)).toContain('proposee=1');
      expect(location(cancel)).not.toContain('proposer=');
      const offer = await server.db.db
        .selectFrom('place_offer')
        .select(['registration_id', 'channel'])
        .where('registration_id', '=', waiting)
        .executeTakeFirstOrThrow();
      expect(offer).toEqual({ registration_id: waiting, channel: 'email' });
      const inbox = await (await advisor.get('/demandes')).text();
      expect(inbox).toContain('Une place s’est libérée');
      const audit = await server.db.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', String(first))
        .execute();
      expect(audit.map((a) => a.action)).toEqual(
        expect.arrayContaining(['registration.create', 'registration.accept', 'registration.cancel']),
      );
      // Receipt, acceptance, cancellation: each queued to the person (who chose email).
      const toPerson = await server.db.db
        .selectFrom('outbox')
        .select('kind')
        .where('registration_id', '=', first)
        .where('to_address', '=', 'awa@exemple.test')
        .execute();
      expect(toPerson).toHaveLength(3);
    });

    it('refuses to confirm a place in a session cancelled since the request', async () => {
      await addEvent(server.db, 'ev-off', 'valenciennois', 5);
      const id = await registrationId(
        ((await (await intake(server.url, eventRequest('ev-off'))).json()) as { reference: string })
          .reference,
      );
      await server.db.db
        .updateTable('event_copy')
        .set({ cancelled: 1 })
        .where('document_id', '=', 'ev-off')
        .execute();
      const res = await advisor.post(`/demandes/${id}?_action=registrations.decide`, {
        registration: String(id),
        decision: 'accept',
      });
      expect(res.status).toBe(409);
      expect(await res.text()).toContain('Cette session est annulée');
      expect(await statusOf(id)).toBe('received');
    });

    it('accepts several registrations at once', async () => {
      const list = await Promise.all(
        [1, 2].map(async () =>
          registrationId(
            ((await (await intake(server.url, eventRequest('ev-val'))).json()) as { reference: string })
              .reference,
          ),
        ),
      );
      const res = await advisor.post('/demandes?_action=registrations.accept', { ids: list.map(String) });
      expect(location(res)).toContain('acceptees=2');
      const tampered = await advisor.post('/demandes?_action=registrations.accept', {
        ids: ['12; drop table registration', '3'],
      });
      expect(tampered.status).toBe(400);
      expect(await tampered.text()).toBe('Demande inconnue.');
    });

    it('filters by status, territory and kind, sorts and paginates', async () => {
      const count = (html: string) => {
        const total = /(\d+) demande\(s\)/.exec(html)?.[1];
        expect(total, 'the page states how many requests match').toBeDefined();
        return Number(total);
      };
      const all = await (await admin.get('/demandes?status=tous')).text();
      const received = await (await admin.get('/demandes?status=received')).text();
      // The list opens on what waits for a decision.
      expect(count(await (await admin.get('/demandes')).text())).toBe(count(received));
      const accepted = await (await admin.get('/demandes?status=accepted')).text();
      expect(count(received)).toBeGreaterThan(0);
      expect(count(accepted)).toBeGreaterThan(0);
      expect(count(received) + count(accepted)).toBeLessThan(count(all));
      expect(accepted).not.toContain('s-received');
      const camb = await (await admin.get('/demandes?status=tous&territory=cambresis')).text();
      expect(camb).toContain('Cambrésis');
      expect(camb).not.toContain('<td>Valenciennois</td>');
      expect(count(await (await admin.get('/demandes?kind=support')).text())).toBe(0);
      // More than one page after the 150 concurrent requests: page 2 differs from page 1.
      expect(all).toContain('Page 1 sur');
      const page2 = await (await admin.get('/demandes?status=tous&page=2')).text();
      // References in the table only (the free-place banner may cite one too).
      const refs = (html: string) =>
        [...(html.split('<tbody>')[1] ?? '').matchAll(/MAI-\d{4}-\d{6}/g)].map((m) => m[0]);
      expect(refs(page2).length).toBeGreaterThan(0);
      expect(refs(page2).filter((r) => refs(all).includes(r))).toEqual([]);
      const oldest = refs(await (await admin.get('/demandes?status=tous&sort=oldest')).text());
      expect(oldest[0]).toBe(`MAI-${parisDate().slice(0, 4)}-000001`);
      // Filters in the past: nothing.
      expect(count(await (await admin.get('/demandes?to=2000-01-01')).text())).toBe(0);
    });

    it('finds a registration by name and by phone, without the search in the URL', async () => {
      const body = eventRequest('ev-val', {
        firstName: 'Zoé',
        lastName: 'Trouvable',
        phone: '07 98 76 54 32',
      });
      await intake(server.url, body);
      const search = async (q: string) => {
        const res = await advisor.post('/demandes?_action=registrations.filter', { q, status: '' });
        expect(res.status).toBe(303);
        const url = location(res);
        expect(url).toMatch(/^\/demandes\?r=/);
        expect(url).not.toContain(encodeURIComponent(q));
        expect(url).not.toContain('rouvable');
        return (await advisor.get(url)).text();
      };
      expect(await search('trouvable')).toContain('Trouvable');
      expect(await search('07 98 76 54 32')).toContain('Trouvable');
      expect(await search('introuvable-xyz')).not.toContain('Trouvable');
      // A plain ?q= is ignored, and a tampered token searches nothing.
      expect(await (await advisor.get('/demandes?q=introuvable-xyz')).text()).toContain('Trouvable');
      expect((await advisor.get('/demandes?r=AAAA')).status).toBe(200);
    });
  });

  describe('CSRF', () => {
    it('refuses state-changing requests from a foreign origin', async () => {
      const routes = [
        [
          advisor,
          `/demandes/${ids.val}?_action=registrations.decide`,
          { registration: String(ids.val), decision: 'decline', reason: 'x' },
        ],
        [
          advisor,
          `/demandes/${ids.val}?_action=registrations.attachContact`,
          { registration: String(ids.val), person: '1', target: 'new' },
        ],
        [advisor, '/demandes?_action=registrations.accept', { ids: String(ids.val) }],
        [
          admin,
          '/admin/comptes?_action=accounts.invite',
          { name: 'X', email: 'x@maillage.test', role: 'admin' },
        ],
        [advisor, '/deconnexion', {}],
        [admin, '/courriels?_action=mail.retry', { retry: '1' }],
        [advisor, '/a-appeler?_action=calls.record', { id: '1', outcome: 'joint' }],
        [
          advisor,
          '/sessions/ev-val?_action=sessions.presence',
          { session: 'ev-val', registration: '1', halfDay: '2027-01-01T09:00', status: 'present' },
        ],
        [anonymous, '/je-ne-peux-pas-venir?_action=sessions.cancelPlace', { t: '1.1.x' }],
        [advisor, '/compte/securite?_action=account.enableTwoFactor', { password: DEMO_PASSWORD }],
        [advisor, '/personnes?_action=persons.filter', { q: 'Valentine' }],
        [
          advisor,
          '/personnes/1?_action=persons.note',
          { person: '1', kind: 'appel', occurredOn: '2026-01-01', body: 'x' },
        ],
        [
          advisor,
          '/personnes/nouvelle?_action=persons.enter',
          { kind: 'callback', firstName: 'X', phone: '0612345678' },
        ],
        [advisor, '/accompagnements?_action=supports.start', { person: '1' }],
        [
          advisor,
          '/accompagnements/1?_action=supports.phase',
          { support: '1', phase: 'maturation', startedOn: '2026-01-01' },
        ],
        [advisor, '/notes/1?_action=notes.done', { note: '1' }],
        [advisor, '/rendez-vous/1?_action=appointments.cancel', { appointment: '1', confirme: '1' }],
        [
          anonymous,
          '/a/AAAAAAAAAAAAAAAAAAAAAA?_action=appointments.personCancel',
          { code: 'AAAAAAAAAAAAAAAAAAAAAA' },
        ],
        [advisor, '/actions?_action=notes.done', { note: '1' }],
        [admin, '/admin/conservation?_action=retention.setPeriod', { months: '1' }],
        [admin, '/admin/reglages?_action=sessions.waitlistSettings', { offerHours: '2', maxOffers: '9' }],
        [anonymous, `/p/${'A'.repeat(22)}?_action=sessions.acceptOffer`, { code: 'A'.repeat(22) }],
        [
          admin,
          '/admin/personnes/1?_action=retention.erase',
          { person: '1', intent: 'erase-confirm', confirm: 'on' },
        ],
        [
          admin,
          '/indicateurs?_action=indicators.setTargets',
          { annee: '2024', participants: '50', porteurs: '20' },
        ],
        [advisor, '/documents/ajouter?personne=1', { kind: 'autre' }],
        [advisor, '/documents/1/supprimer', {}],
        [anonymous, '/connexion?_action=auth.signIn', { email: ADVISOR, password: DEMO_PASSWORD }],
        [anonymous, '/connexion/code?_action=auth.verifyCode', { code: '123456' }],
        [anonymous, '/mot-de-passe-oublie?_action=auth.requestReset', { email: ADVISOR }],
        [
          anonymous,
          '/mot-de-passe?token=x&_action=auth.resetPassword',
          { password: GOOD_PASSWORD, confirmation: GOOD_PASSWORD },
        ],
      ] as const;
      // Every page that takes a POST from a browser is in this list (the API routes use tokens).
      const covered = new Set(
        routes.map(([, path]) =>
          path
            .split('?')[0]!
            .replace(/\/(\d+|ev-[a-z]+)$/, '/[id]')
            .replace(/\/\d+\//, '/[id]/')
            .replace(/^\/([pa])\/[A-Za-z0-9_-]{22}$/, '/$1/[code]'),
        ),
      );
      expect([...covered].sort()).toEqual(postPages().sort());
      for (const [browser, path, form] of routes) {
        const res = await browser.post(path, form, { origin: 'http://evil.example' });
        expect(res.status, path).toBe(403);
        const noOrigin = await browser.post(path, form, {
          origin: null,
          headers: { 'sec-fetch-site': 'cross-site' },
        });
        expect(noOrigin.status, path).toBe(403);
      }
      expect(await statusOf(ids.val)).toBe('received');
      expect(await server.db.db.selectFrom('support').select('id').execute()).toEqual([]);
      expect(await server.db.db.selectFrom('retention_setting').select('id').execute()).toEqual([]);
      expect(await server.db.db.selectFrom('waitlist_setting').select('id').execute()).toEqual([]);
      expect(
        await server.db.db.selectFrom('person').select('id').where('erased_at', 'is not', null).execute(),
      ).toEqual([]);
      expect(
        await server.db.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'x@maillage.test')
          .executeTakeFirst(),
      ).toBeUndefined();
    });
  });

  describe('accounts and sessions', () => {
    it('refuses short and common passwords when setting one', async () => {
      await admin.post('/admin/comptes?_action=accounts.invite', {
        name: 'Pwd',
        email: 'pwd@maillage.test',
        role: 'advisor',
        territories: ['douaisis'],
      });
      const link = new URL(await lastMailLink(server.db, 'pwd@maillage.test', 'invitation'));
      const b = new Browser(server.url);
      const short = await b.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
        password: 'court',
        confirmation: 'court',
      });
      expect(short.status).toBe(400);
      expect(await short.text()).toContain('au moins 12 caractères');
      const common = await b.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
        password: 'azertyuiop123',
        confirmation: 'azertyuiop123',
      });
      expect(await common.text()).toContain('trop courant');
    });

    /** Every test signs in from 127.0.0.1: its failures would slow the rest of the suite down. */
    const forgetAddressFailures = () =>
      server.db.db.deleteFrom('login_throttle').where('key', 'like', 'ip%').execute();

    it('slows down wrong passwords but never refuses the right one, and a reset clears the count', async () => {
      const email = 'lent@maillage.test';
      await invite(email, 'advisor', ['douaisis']);
      const failures = async () =>
        (
          await server.db.db
            .selectFrom('login_throttle')
            .select('failures')
            .where('key', '=', accountKey(email))
            .executeTakeFirst()
        )?.failures;
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = Date.now();
        const res = await new Browser(server.url).signIn(email, 'mauvais mot de passe !');
        times.push(Date.now() - t);
        expect(res.status).toBe(401);
      }
      expect(times[4]!).toBeGreaterThan(times[0]! + 3000);
      expect(Number(await failures())).toBe(5);
      // Someone typing wrong passwords does not lock the owner out: the right one gets in, later.
      const t = Date.now();
      const owner = await new Browser(server.url).signIn(email, GOOD_PASSWORD);
      expect(Date.now() - t).toBeGreaterThan(3000);
      expect(location(owner)).toContain('/demandes');
      expect(await failures()).toBeUndefined();

      // A successful password reset clears the count too.
      for (let i = 0; i < 3; i++) await new Browser(server.url).signIn(email, 'encore faux !');
      expect(Number(await failures())).toBe(3);
      await anonymous.post('/mot-de-passe-oublie?_action=auth.requestReset', { email });
      const link = new URL(await lastMailLink(server.db, email, 'password-reset'));
      const newPassword = 'une autre phrase de passe 2027';
      const reset = await new Browser(server.url).post(
        `${link.pathname}${link.search}&_action=auth.resetPassword`,
        {
          password: newPassword,
          confirmation: newPassword,
        },
      );
      expect(reset.status).toBe(303);
      expect(await failures()).toBeUndefined();
      await forgetAddressFailures();
    });

    it('throttles the password check behind "enable two-factor" like the sign-in', async () => {
      const email = 'deuxfa@maillage.test';
      const invited = await invite(email, 'advisor', ['douaisis']);
      const times: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t = Date.now();
        const res = await invited.post('/compte/securite?_action=account.enableTwoFactor', {
          password: 'pas le bon !',
        });
        times.push(Date.now() - t);
        expect(res.status).toBe(400);
      }
      expect(times[3]!).toBeGreaterThan(times[0]! + 1500);
      const row = await server.db.db
        .selectFrom('login_throttle')
        .select('failures')
        .where('key', '=', accountKey(email))
        .executeTakeFirst();
      expect(Number(row?.failures)).toBe(4);
      const ok = await invited.post('/compte/securite?_action=account.enableTwoFactor', {
        password: GOOD_PASSWORD,
      });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('codes de secours');
      await forgetAddressFailures();
    });

    it('ends the other sessions when the password is reset', async () => {
      const email = 'reset@maillage.test';
      const one = await invite(email, 'advisor', ['douaisis']);
      const two = new Browser(server.url);
      expect(location(await two.signIn(email, GOOD_PASSWORD))).toContain('/demandes');
      expect((await one.get('/demandes')).status).toBe(200);
      await anonymous.post('/mot-de-passe-oublie?_action=auth.requestReset', { email });
      const link = new URL(await lastMailLink(server.db, email, 'password-reset'));
      const third = new Browser(server.url);
      const newPassword = 'un tout autre mot de passe 2026';
      expect(
        (
          await third.post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
            password: newPassword,
            confirmation: newPassword,
          })
        ).status,
      ).toBe(303);
      expect(location(await one.get('/demandes'))).toContain('/connexion');
      expect(location(await two.get('/demandes'))).toContain('/connexion');
      expect((await new Browser(server.url).signIn(email, GOOD_PASSWORD)).status).toBe(401);
      expect(location(await third.signIn(email, newPassword))).toContain('/demandes');
    });

    it('ends a session after 30 minutes without activity, and after 12 hours in any case', async () => {
      const token = (b: Browser) =>
        decodeURIComponent(b.cookies.get('maillage.session_token') ?? '').split('.')[0]!;
      const at = (ms: number) =>
        backend === 'postgres' ? new Date(Date.now() + ms) : new Date(Date.now() + ms).toISOString();
      const idle = new Browser(server.url);
      expect(location(await idle.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
      const session = await server.db.db
        .selectFrom('session')
        .select('expiresAt')
        .where('token', '=', token(idle))
        .executeTakeFirstOrThrow();
      // Sliding expiry of 30 minutes.
      const left = new Date(session.expiresAt as string).getTime() - Date.now();
      expect(left).toBeGreaterThan(29 * 60_000);
      expect(left).toBeLessThanOrEqual(30 * 60_000);
      await server.db.db
        .updateTable('session')
        .set({ expiresAt: at(-1000) })
        .where('token', '=', token(idle))
        .execute();
      expect(location(await idle.get('/demandes'))).toContain('/connexion');

      const old = new Browser(server.url);
      expect(location(await old.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
      await server.db.db
        .updateTable('session')
        .set({ createdAt: at(-12 * 3600_000 - 60_000) })
        .where('token', '=', token(old))
        .execute();
      expect(location(await old.get('/demandes'))).toContain('/connexion');
      expect(
        await server.db.db
          .selectFrom('session')
          .select('id')
          .where('token', '=', token(old))
          .executeTakeFirst(),
      ).toBeUndefined();
    });

    it('slides the 30 minutes forward while the advisor keeps working', async () => {
      const token = (b: Browser) =>
        decodeURIComponent(b.cookies.get('maillage.session_token') ?? '').split('.')[0]!;
      const at = (ms: number) =>
        backend === 'postgres' ? new Date(Date.now() + ms) : new Date(Date.now() + ms).toISOString();
      const busy = new Browser(server.url);
      expect(location(await busy.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
      // Last activity 5 minutes ago: 25 minutes left.
      await server.db.db
        .updateTable('session')
        .set({ expiresAt: at(25 * 60_000) })
        .where('token', '=', token(busy))
        .execute();
      const pages = await Promise.all([1, 2, 3, 4, 5].map(() => busy.get('/demandes')));
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
      const session = await server.db.db
        .selectFrom('session')
        .select('expiresAt')
        .where('token', '=', token(busy))
        .executeTakeFirstOrThrow();
      expect(new Date(session.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    });

    it('sets the session cookie HttpOnly and SameSite=Lax', async () => {
      const res = await new Browser(server.url).signIn(ADVISOR, DEMO_PASSWORD);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('maillage.session_token='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
    });

    it('signs out a disabled account at once and refuses its sign-in', async () => {
      const email = 'disabled@maillage.test';
      const person = await invite(email, 'advisor', ['valenciennois']);
      const { id } = await server.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      expect((await admin.post('/admin/comptes?_action=accounts.disable', { user: id })).status).toBe(303);
      expect(location(await person.get('/demandes'))).toContain('/connexion');
      expect((await new Browser(server.url).signIn(email, GOOD_PASSWORD)).status).toBe(401);
    });

    it('requires two-factor authentication for a new admin, then asks for the code at sign-in', async () => {
      const email = 'admin2@maillage.test';
      const b = await invite(email, 'admin', []);
      const forced = await b.get('/demandes');
      expect(location(forced)).toContain('/compte/securite?obligatoire=1');
      // The pages left open to them run only their own forms: no other action through them.
      for (const [page, form] of [
        [
          '/compte/securite?_action=accounts.invite',
          { name: 'Sans 2FA', email: 'sans2fa@maillage.test', role: 'admin' },
        ],
        ['/deconnexion?_action=retention.setPeriod', { months: '60' }],
      ] as const) {
        const res = await b.post(page, form);
        expect(res.status, page).toBe(303);
        expect(location(res), page).toContain('/compte/securite?obligatoire=1');
      }
      expect(
        await server.db.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'sans2fa@maillage.test')
          .execute(),
      ).toEqual([]);
      const unknown = await b.post('/compte/securite', { action: 'disable' });
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('Formulaire invalide.');
      const setup = await (
        await b.post('/compte/securite?_action=account.enableTwoFactor', { password: GOOD_PASSWORD })
      ).text();
      const secret = setup.match(/<code>([A-Z2-7]{16,})<\/code>/)?.[1];
      expect(secret).toBeTruthy();
      const verified = await b.post('/compte/securite?_action=account.verifyTwoFactor', {
        code: await totp(secret!),
      });
      expect(verified.status).toBe(303);
      expect((await b.get('/demandes')).status).toBe(200);
      const again = new Browser(server.url);
      const first = await again.signIn(email, GOOD_PASSWORD);
      expect(location(first)).toContain('/connexion/code');
      expect(location(await again.get('/demandes'))).toContain('/connexion');
      const code = await again.post('/connexion/code?suivant=/demandes&_action=auth.verifyCode', {
        code: await totp(secret!),
      });
      expect(location(code)).toBe('/demandes');
      expect((await again.get('/demandes')).status).toBe(200);
    });
  });
});
