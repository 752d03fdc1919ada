/**
 * Two extranet processes on one database, no sticky sessions (issue 12, item 5): a session opened
 * on one instance works on the other, and ends on both; the sign-in throttle counts the failures
 * made on both; and with both outbox workers running, every message reaches the real SMTP sink once.
 * (Idempotency and the last place across instances: instances.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountKey } from '../src/features/auth/throttle.service.ts';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest, intake } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.ts';

describe.each(BACKENDS)('two extranet instances on %s', (backend) => {
  let sink: SmtpSink;
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    a = await startServer(backend, { SMTP_URL: sink.url });
    b = await startServer(
      backend,
      { SMTP_URL: sink.url, BETTER_AUTH_SECRET: a.env.BETTER_AUTH_SECRET as string },
      a.database,
    );
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await sink?.stop();
  });

  it('keeps a session opened on one instance on the other, and ends it on both', async () => {
    const onA = new Browser(a.url);
    expect(location(await onA.signIn('conseiller@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const onB = new Browser(b.url);
    onB.cookies = new Map(onA.cookies);
    expect((await onB.get('/demandes')).status).toBe(200);
    expect(location(await onB.post('/deconnexion', {}))).toContain('/connexion');
    const afterSignOut = await onA.get('/demandes');
    expect(afterSignOut.status).toBe(303);
    expect(location(afterSignOut)).toContain('/connexion');
  });

  it('counts failed sign-ins made on both instances in one throttle', async () => {
    const email = 'admin@maillage.test';
    const failures = async () =>
      (
        await a.db.db
          .selectFrom('login_throttle')
          .select('failures')
          .where('key', '=', accountKey(email))
          .executeTakeFirst()
      )?.failures;
    for (let i = 0; i < 4; i++) {
      const res = await new Browser(i % 2 ? b.url : a.url).post('/connexion?_action=auth.signIn', {
        email,
        password: `mauvais-mot-de-passe-${i}`,
        suivant: '/demandes',
      });
      expect(res.status).toBe(401);
    }
    // One count for both instances: a guesser gains nothing by alternating between them.
    expect(Number(await failures())).toBe(4);
    // The right password is slowed down on the other instance too, never refused (issue 8, item 6).
    const started = Date.now();
    const res = await new Browser(b.url).post('/connexion?_action=auth.signIn', {
      email,
      password: DEMO_PASSWORD,
      suivant: '/demandes',
    });
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(res.status).toBe(303);
    expect(await failures()).toBeUndefined();
  });

  it('sends each message once while both outbox workers run', async () => {
    await addEvent(a.db, `ev-outbox-${backend}`, 'valenciennois', 100);
    const addresses = Array.from({ length: 16 }, (_, i) => `deux.instances.${backend}.${i}@exemple.test`);
    const answers = await Promise.all(
      addresses.map((email, i) =>
        intake(
          i % 2 ? b.url : a.url,
          eventRequest(`ev-outbox-${backend}`, { email, preferredContact: 'email' }),
        ),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(addresses.map(() => 201));
    for (const to of addresses) await sink.waitFor((m) => m.envelopeTo.includes(to), 20_000);
    // Both workers poll every 2 s: give them a few more rounds to send anything twice.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const to of addresses)
      expect(sink.messages.filter((m) => m.envelopeTo.includes(to))).toHaveLength(1);
    const ids = sink.messages.map((m) => /X-Maillage-Outbox-Id: (\d+)/i.exec(m.raw)?.[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
