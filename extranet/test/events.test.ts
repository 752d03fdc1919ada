import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { nowMs } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PARCOURS_ID } from '../src/features/demo/followup-sessions.service.ts';
import { HISTORY_PREFIX } from '../src/features/demo/history.service.ts';
import { parisToIso } from '../src/features/events/events.repository.ts';
import { eventsQuery } from '../src/features/events/events.sync.ts';
import { eventRequest, intake } from './support/fixtures.ts';
import { BACKENDS, type RunningServer, startServer, WEBHOOK_SECRET } from './support/server.ts';

const TOKEN = 'cms-extranet-token';

function cmsEvent(documentId: string, territory: string, capacity = 10) {
  const date = new Date(nowMs() + 20 * 86400_000).toISOString().slice(0, 10);
  return {
    id: 1,
    documentId,
    title: `Parcours ${documentId}`,
    slug: documentId,
    kind: 'session',
    capacity,
    cancelled: false,
    registrationOpensAt: null,
    registrationClosesAt: null,
    practicalNotes: 'Garde d’enfants possible sur demande.',
    program: { id: 1, documentId: 'p1', title: 'Parcours des Possibles', slug: 'parcours', kind: 'parcours' },
    territory: { id: 2, documentId: 't1', name: territory, slug: territory.toLowerCase() },
    venue: {
      id: 3,
      name: 'Maison des associations',
      address: '2 rue Jean Jaurès',
      postcode: '59500',
      commune: 'Douai',
      inseeCode: '59178',
      stepFreeAccess: true,
    },
    slots: [
      { id: 4, date, start: '09:00:00.000', end: '12:00:00.000', label: null },
      { id: 5, date, start: '13:30:00.000', end: '16:30:00.000', label: null },
    ],
  };
}

/** A stand-in for Strapi's REST API: only what the extranet reads. */
function fakeCms() {
  const state = {
    events: [cmsEvent('cms-douai', 'Douaisis'), cmsEvent('cms-valenciennes', 'Valenciennois')],
    queries: [] as string[],
    auth: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    state.queries.push(req.url ?? '');
    state.auth.push(req.headers.authorization ?? '');
    if (!req.url?.startsWith('/api/events?')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        data: state.events,
        meta: { pagination: { page: 1, pageSize: 100, pageCount: 1, total: state.events.length } },
      }),
    );
  });
  return { server, state };
}

function sign(body: string, ts = String(Date.now())) {
  return {
    'x-maillage-timestamp': ts,
    'x-maillage-signature': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${ts}.${body}`).digest('hex')}`,
  };
}

/** A signed CMS webhook about one event, as Strapi sends it. */
function webhook(base: string, event: string, documentId: string): Promise<Response> {
  const body = JSON.stringify({ event, model: 'event', documentId, at: new Date().toISOString() });
  return fetch(`${base}/api/cms-webhook`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...sign(body) },
  });
}

it('converts Paris wall-clock times to UTC, summer and winter', () => {
  expect(parisToIso('2026-12-01', '09:00')).toBe('2026-12-01T08:00:00.000Z');
  expect(parisToIso('2026-07-01', '09:00')).toBe('2026-07-01T07:00:00.000Z');
});

it('asks the CMS for explicit fields and relations, never populate=*', () => {
  const q = decodeURIComponent(eventsQuery(1));
  expect(q).toContain('populate[program][fields][0]=title');
  expect(q).toContain('populate[venue]=true');
  expect(q).not.toContain('populate=*');
});

describe.each(BACKENDS)('events copy on %s', (backend) => {
  let server: RunningServer;
  const cms = fakeCms();

  beforeAll(async () => {
    await new Promise<void>((r) => cms.server.listen(0, '127.0.0.1', r));
    const { port } = cms.server.address() as { port: number };
    server = await startServer(backend, { CMS_URL: `http://127.0.0.1:${port}`, CMS_EXTRANET_TOKEN: TOKEN });
  });

  afterAll(async () => {
    await server?.stop();
    cms.server.closeAllConnections();
    await new Promise((r) => cms.server.close(r));
  });

  async function copy() {
    return (
      server.db.db
        .selectFrom('event_copy')
        .selectAll()
        .where('removed', '=', 0)
        // The demo's Parcours in progress lives in the copy alone (features/demo/followup-sessions.service.ts).
        .where('document_id', '<>', DEMO_PARCOURS_ID)
        .orderBy('document_id')
        .execute()
    );
  }

  it('pulls the events at start with the read-only token and seeds the demo registrations once', async () => {
    await expect.poll(async () => (await copy()).length, { timeout: 10_000 }).toBe(2);
    expect(cms.state.auth[0]).toBe(`Bearer ${TOKEN}`);
    const [douai] = await copy();
    expect(douai).toMatchObject({
      title: 'Parcours cms-douai',
      territory: 'douaisis',
      program_kind: 'parcours',
      capacity: 10,
      practical_notes: 'Garde d’enfants possible sur demande.',
    });
    expect(JSON.parse(douai!.slots_json)).toHaveLength(2);
    expect(JSON.parse(douai!.slots_json)[0].start).toBe('09:00');
    expect(JSON.parse(douai!.venue_json)).toMatchObject({ commune: 'Douai', stepFreeAccess: true });
    await expect
      .poll(
        async () =>
          Number(
            (
              await server.db.db
                .selectFrom('registration')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('event_id', '<>', DEMO_PARCOURS_ID)
                .where('event_id', 'not like', `${HISTORY_PREFIX}%`)
                .executeTakeFirstOrThrow()
            ).n,
          ),
        { timeout: 10_000 },
      )
      .toBe(6);
    // And the Parcours in progress of the sessions demo, with its participants.
    const demo = await server.db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '=', DEMO_PARCOURS_ID)
      .executeTakeFirstOrThrow();
    expect(Number(demo.n)).toBe(8);
  });

  it('refreshes on a signed webhook, and marks events the CMS no longer publishes', async () => {
    cms.state.events = [cmsEvent('cms-douai', 'Douaisis', 12), cmsEvent('cms-cambrai', 'Cambrésis')];
    const res = await webhook(server.url, 'entry.publish', 'cms-cambrai');
    expect(res.status).toBe(200);
    expect((await copy()).map((e) => e.document_id)).toEqual(['cms-cambrai', 'cms-douai']);
    expect((await copy()).find((e) => e.document_id === 'cms-douai')?.capacity).toBe(12);
    // Seeding happened once: the refresh does not add demo registrations again.
    const n = await server.db.db
      .selectFrom('registration')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('event_id', '<>', DEMO_PARCOURS_ID)
      // The indicators' history (features/demo/history.service.ts) has its own past sessions.
      .where('event_id', 'not like', `${HISTORY_PREFIX}%`)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(6);
  });

  it('keeps working on its copy when the CMS is down', async () => {
    cms.server.closeAllConnections();
    await new Promise((r) => cms.server.close(r));
    const res = await webhook(server.url, 'entry.update', 'cms-douai');
    expect(res.status).toBe(202);
    expect(await copy()).toHaveLength(2);
    const availability = (await (await fetch(`${server.url}/api/public/availability/cms-douai`)).json()) as {
      capacity: number;
    };
    expect(availability.capacity).toBe(12);
    const registration = await intake(server.url, eventRequest('cms-douai'));
    expect(registration.status).toBe(201);
    cms.server.listen(0, '127.0.0.1'); // reopened so afterAll can close it
  });
});
