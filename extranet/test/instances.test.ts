import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest, intake } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/** Two server processes on one database, as behind a load balancer. */
describe.each(BACKENDS)('two instances on %s', (backend) => {
  let a: RunningServer;
  let b: RunningServer;

  beforeAll(async () => {
    a = await startServer(backend);
    b = await startServer(backend, { BETTER_AUTH_SECRET: a.env.BETTER_AUTH_SECRET as string }, a.database);
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('gives the last place once when two advisors accept on different instances', async () => {
    await addEvent(a.db, 'ev-two', 'valenciennois', 1);
    const refs = await Promise.all(
      [1, 2].map(
        async () =>
          ((await (await intake(a.url, eventRequest('ev-two'))).json()) as { reference: string }).reference,
      ),
    );
    const ids = await Promise.all(
      refs.map(
        async (r) =>
          (
            await a.db.db
              .selectFrom('registration')
              .select('id')
              .where('reference', '=', r)
              .executeTakeFirstOrThrow()
          ).id,
      ),
    );
    const onA = new Browser(a.url);
    const onB = new Browser(b.url);
    expect(location(await onA.signIn('conseiller@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await onB.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    const [ra, rb] = await Promise.all([
      onA.post(`/demandes/${ids[0]}?_action=registrations.decide`, {
        registration: String(ids[0]),
        decision: 'accept',
      }),
      onB.post(`/demandes/${ids[1]}?_action=registrations.decide`, {
        registration: String(ids[1]),
        decision: 'accept',
      }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([303, 409]);
    const n = await a.db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', 'ev-two')
      .where('status', '=', 'accepted')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  });

  it('stores a request sent to both instances at once only once', async () => {
    await addEvent(a.db, 'ev-dup', 'douaisis', 50);
    const bodies = Array.from({ length: 20 }, () => eventRequest('ev-dup'));
    const answers = await Promise.all(bodies.flatMap((body) => [intake(a.url, body), intake(b.url, body)]));
    const json = (await Promise.all(answers.map((r) => r.json()))) as { reference: string }[];
    for (let i = 0; i < 20; i++) expect(json[2 * i]?.reference).toBe(json[2 * i + 1]?.reference);
    expect(answers.filter((r) => r.status === 201)).toHaveLength(20);
    const n = await a.db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', 'ev-dup')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(20);
  });
});
