/**
 * The signed-in layer (issue 25): the viewer read from the database at most once per few seconds
 * per session, revocations at once on this instance and within VIEWER_TTL_MS on another, no write
 * per request for the sliding expiry, every page's query count flat as rows grow, and reads' audit
 * rows off the request's path yet never lost, even when the process is killed after answering.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWER_TTL_MS } from '../src/features/auth/viewer-cache.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent, lastMailLink } from './support/fixtures.ts';
import { ADMIN, invite } from './support/people.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import {
  BACKENDS,
  DEMO_PASSWORD,
  journalSettled,
  type RunningServer,
  startServer,
} from './support/server.ts';

const ADVISOR = 'conseiller@maillage.test';

interface LoggedRequest {
  path: string;
  count: number;
  queries: { sql: string; ms: number }[];
}

describe.each(BACKENDS)('signed-in layer on %s', (backend) => {
  const logDir = mkdtempSync(join(tmpdir(), 'extranet-queries-'));
  const queryLog = join(logDir, 'a.jsonl');
  let a: RunningServer;
  let b: RunningServer;
  let admin: Browser;

  beforeAll(async () => {
    a = await startServer(backend, { DB_QUERY_LOG: queryLog });
    b = await startServer(backend, { BETTER_AUTH_SECRET: a.env.BETTER_AUTH_SECRET as string }, a.database);
    admin = new Browser(a.url);
    expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  /** The queries of one request to server A (its line in DB_QUERY_LOG, once its body is sent). */
  async function queriesOf(browser: Browser, path: string): Promise<LoggedRequest> {
    const before = existsSync(queryLog) ? readFileSync(queryLog, 'utf8').length : 0;
    const res = await browser.get(path);
    expect(res.status, path).toBe(200);
    await res.text();
    for (let i = 0; i < 100; i++) {
      const added = existsSync(queryLog) ? readFileSync(queryLog, 'utf8').slice(before).trim() : '';
      if (added) {
        const lines = added.split('\n').map((l) => JSON.parse(l) as LoggedRequest);
        expect(lines).toHaveLength(1);
        return lines[0]!;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`pas de ligne de requêtes pour ${path}`);
  }
  const authQueries = (r: LoggedRequest) =>
    r.queries.filter((q) => /\b(from|update|into) "?(session|users|user_territory)"?/i.test(q.sql));

  it('reads the session, account and territories once, then not again for a few seconds', async () => {
    const advisor = new Browser(a.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    const first = await queriesOf(advisor, '/compte/securite');
    // The first request reads the session (with its account, one join) and the territories…
    expect(authQueries(first).length).toBeGreaterThan(0);
    expect(authQueries(first).length).toBeLessThanOrEqual(2);
    // …the next ones, nothing before the page: no read, and no write to slide the expiry.
    for (let i = 0; i < 5; i++) expect(authQueries(await queriesOf(advisor, '/compte/securite'))).toEqual([]);
  });

  it('ends a session at once on this instance: sign-out, account disabled, password reset', async () => {
    const advisor = new Browser(a.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    expect((await advisor.get('/compte/securite')).status).toBe(200);
    const stolen = new Browser(a.url);
    stolen.cookies = new Map(advisor.cookies);
    expect((await stolen.get('/compte/securite')).status).toBe(200);
    expect(location(await advisor.post('/deconnexion', {}))).toContain('/connexion');
    expect(location(await stolen.get('/compte/securite'))).toContain('/connexion');

    const email = `revoque-${randomUUID().slice(0, 6)}@maillage.test`;
    const invited = await invite(a, admin, email, 'advisor', ['douaisis']);
    expect((await invited.get('/compte/securite')).status).toBe(200);
    const { id } = await a.db.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect((await admin.post('/admin/comptes?_action=accounts.disable', { user: id })).status).toBe(303);
    expect(location(await invited.get('/compte/securite'))).toContain('/connexion');
    expect((await admin.post('/admin/comptes?_action=accounts.enable', { user: id })).status).toBe(303);

    // Territories changed by an admin: the advisor's very next request sees the new ones.
    const there = await insertPerson(a.db.db, new Date().toISOString(), {
      first_name: 'Douai',
      last_name: `Sienne-${randomUUID().slice(0, 6)}`,
      phone: '+33612348888',
      territory: 'douaisis',
    });
    const mover = new Browser(a.url);
    expect(location(await mover.signIn(email, 'une phrase de passe solide 42'))).toContain('/demandes');
    expect((await mover.get(`/personnes/${there}`)).status).toBe(200);
    const moved = await admin.post('/admin/comptes?_action=accounts.territories', {
      user: id,
      territories: ['cambresis'],
    });
    expect(moved.status).toBe(303);
    expect((await mover.get(`/personnes/${there}`)).status).toBe(404);

    const again = new Browser(a.url);
    expect(location(await again.signIn(email, 'une phrase de passe solide 42'))).toContain('/demandes');
    expect((await again.get('/compte/securite')).status).toBe(200);
    await new Browser(a.url).post('/mot-de-passe-oublie?_action=auth.requestReset', { email });
    const link = new URL(await lastMailLink(a.db, email, 'password-reset'));
    const password = 'une nouvelle phrase de passe 2027';
    const reset = await new Browser(a.url).post(`${link.pathname}${link.search}&_action=auth.resetPassword`, {
      password,
      confirmation: password,
    });
    expect(reset.status).toBe(303);
    expect(location(await again.get('/compte/securite'))).toContain('/connexion');
  });

  it(`ends it on another instance within ${VIEWER_TTL_MS / 1000} s`, async () => {
    const onA = new Browser(a.url);
    expect(location(await onA.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    const onB = new Browser(b.url);
    onB.cookies = new Map(onA.cookies);
    expect((await onB.get('/compte/securite')).status).toBe(200);
    const signedOut = Date.now();
    expect(location(await onA.post('/deconnexion', {}))).toContain('/connexion');
    let refusedAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - signedOut < VIEWER_TTL_MS + 3_000) {
      const res = await onB.get('/compte/securite');
      if (res.status === 303 && location(res).includes('/connexion')) {
        refusedAfter = Date.now() - signedOut;
        break;
      }
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(refusedAfter).toBeLessThanOrEqual(VIEWER_TTL_MS + 500);
  });

  it('keeps every page’s number of queries flat as its rows grow', async () => {
    const advisor = new Browser(a.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    const at = new Date().toISOString();
    await addEvent(a.db, 'ev-flat', 'valenciennois', 40);
    const personId = await insertPerson(a.db.db, at, {
      first_name: 'Aline',
      last_name: 'Plate',
      phone: '+33612340001',
    });
    const advisorId = (
      await a.db.db.selectFrom('users').select('id').where('email', '=', ADVISOR).executeTakeFirstOrThrow()
    ).id;
    let n = 0;
    /** `k` more people on the session, each with a request, a note and (one in two) a support. */
    const grow = async (k: number) => {
      for (let i = 0; i < k; i++) {
        n++;
        const id = await insertPerson(a.db.db, at, {
          first_name: 'Personne',
          last_name: `Plate-${n}`,
          phone: `+3361235${String(n).padStart(4, '0')}`,
        });
        await a.db.db
          .insertInto('registration')
          .values([
            registrationRow({
              reference: `MAI-2026-9${String(n).padStart(5, '0')}`,
              person_id: id,
              kind: 'event',
              territory: 'valenciennois',
              status: 'accepted',
              created_at: at,
              event_id: 'ev-flat',
            }),
            registrationRow({
              reference: `MAI-2026-8${String(n).padStart(5, '0')}`,
              person_id: personId,
              kind: 'support',
              territory: 'valenciennois',
              status: 'received',
              created_at: at,
            }),
          ])
          .execute();
        await a.db.db
          .insertInto('note')
          .values(
            [id, personId].map((person_id) => ({
              person_id,
              support_id: null,
              author_id: advisorId,
              kind: 'entretien' as const,
              occurred_at: at,
              body: 'Point d’étape.',
              next_action: 'Rappeler',
              due_at: at.slice(0, 10),
              created_at: at,
              updated_at: at,
            })),
          )
          .execute();
        if (n % 2)
          await a.db.db
            .insertInto('support')
            .values({
              person_id: id,
              advisor_id: advisorId,
              phase: 'emergence',
              started_at: at,
              created_at: at,
              updated_at: at,
            })
            .execute();
      }
    };
    const pages = [
      '/',
      '/demandes',
      '/personnes',
      `/personnes/${personId}`,
      '/sessions',
      '/sessions/ev-flat',
      '/agenda',
      '/accompagnements',
      '/actions',
      '/a-appeler',
      '/sms',
      '/indicateurs',
    ];
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const p of pages) {
        await queriesOf(advisor, p); // the viewer in the cache: what is counted is the page
        out[p] = (await queriesOf(advisor, p)).count;
      }
      return out;
    };
    await grow(2);
    const small = await counts();
    await grow(12);
    const large = await counts();
    expect(large).toEqual(small);
    // And a ceiling, so that a page cannot quietly add a query per block either.
    for (const [p, c] of Object.entries(large)) expect(c, p).toBeLessThanOrEqual(25);
  });

  it('loses no read’s audit row when the process is killed right after answering', async () => {
    const journal = mkdtempSync(join(tmpdir(), 'extranet-journal-kill-'));
    // Inserted only every 10 minutes: the row is still in the journal when the process dies.
    const env = { BETTER_AUTH_SECRET: a.env.BETTER_AUTH_SECRET as string, AUDIT_JOURNAL_DIR: journal };
    const c = await startServer(backend, { ...env, AUDIT_FLUSH_MS: '600000' }, a.database);
    const advisor = new Browser(c.url);
    expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
    const personId = await insertPerson(a.db.db, new Date().toISOString(), {
      first_name: 'Killian',
      last_name: `Lu-${randomUUID().slice(0, 6)}`,
      phone: '+33612349999',
    });
    const reads = () =>
      a.db.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'person.read')
        .where('person_id', '=', personId)
        .execute();
    const res = await advisor.get(`/personnes/${personId}`);
    expect(res.status).toBe(200);
    await res.text();
    await c.kill();
    await c.db.close();
    expect(await reads()).toEqual([]);
    // The next process on this folder inserts it at start, once, with the content of a direct write.
    const d = await startServer(backend, env, a.database);
    try {
      await journalSettled(journal);
      const rows = await reads();
      expect(rows).toHaveLength(1);
      const { id: advisorId } = await a.db.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', ADVISOR)
        .executeTakeFirstOrThrow();
      expect(rows[0]).toMatchObject({
        actor_id: advisorId,
        action: 'person.read',
        entity_type: 'person',
        entity_id: String(personId),
        person_id: personId,
      });
      expect(Date.parse(String(rows[0]!.at))).toBeGreaterThan(Date.now() - 120_000);
      // A batch inserted but not removed (a crash between the two) counts once when replayed, its
      // row carried twice (once with a column that is not one, `id`, dropped); lines that are not
      // rows (cut short, not objects) are set aside, and the instance starts all the same.
      const { id: _id, ...line } = rows[0]!;
      const at = new Date(rows[0]!.at as string | Date).toISOString();
      writeFileSync(
        join(journal, 'batch-0-replay.jsonl'),
        [
          '{"at": "cut sho',
          'null',
          JSON.stringify({ ...line, at, id: 1 }),
          JSON.stringify({ ...line, at }),
        ].join('\n'),
      );
      await d.stop();
      const e = await startServer(backend, env, a.database);
      await journalSettled(journal);
      expect(await reads()).toHaveLength(1);
      expect(readFileSync(join(journal, 'rejected.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
      expect((await fetch(`${e.url}/connexion`)).status).toBe(200);
      await e.stop();
    } finally {
      await d.stop().catch(() => undefined);
      rmSync(journal, { recursive: true, force: true });
    }
  });
});
