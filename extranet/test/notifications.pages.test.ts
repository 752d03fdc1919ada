import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, location } from './support/browser.ts';
import { addEvent, eventRequest } from './support/fixtures.ts';
import { intakeRow } from './support/people.ts';
import { DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

/**
 * The outbox page and the "à appeler" list on the built extranet: who may open them, what they
 * show, and recording a call. SQLite only: the queries are covered on PostgreSQL by
 * notifications.outbox.test.ts.
 */
describe('outbox and "à appeler" pages', () => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser; // Valenciennois and Douaisis
  let registrationId = 0;
  let reference = '';

  beforeAll(async () => {
    server = await startServer('sqlite');
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    anonymous = new Browser(server.url);
    admin = new Browser(server.url);
    advisor = new Browser(server.url);
    expect(location(await admin.signIn('admin@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    expect(location(await advisor.signIn('conseiller@maillage.test', DEMO_PASSWORD))).toContain('/demandes');
    ({ reference, registrationId } = await intakeRow(
      server,
      eventRequest('ev-val', { firstName: 'Karim', email: undefined, preferredContact: 'appel' }),
    ));
    expect(
      (
        await advisor.post(`/demandes/${registrationId}?_action=registrations.decide`, {
          registration: String(registrationId),
          decision: 'accept',
        })
      ).status,
    ).toBe(303);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('sends anonymous visitors to sign in, and keeps the outbox to admins', async () => {
    for (const path of ['/courriels', '/a-appeler']) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(303);
      expect(location(res)).toContain('/connexion');
    }
    expect((await advisor.get('/courriels')).status).toBe(403);
    expect((await advisor.get('/courriels/1')).status).toBe(403);
  });

  it('shows each message with its state and attempts, and previews it', async () => {
    const list = await admin.get('/courriels');
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('Nouvelle demande à traiter');
    expect(html).toContain('En attente');
    const note = await server.db.db
      .selectFrom('outbox')
      .select(['id', 'subject'])
      .where('kind', '=', 'new-request')
      .executeTakeFirstOrThrow();
    const preview = await admin.get(`/courriels/${note.id}`);
    expect(preview.status).toBe(200);
    const page = await preview.text();
    expect(page).toContain('<iframe title="Aperçu du message" sandbox=""');
    expect(page).toContain(reference);
    expect((await admin.get('/courriels/999999')).status).toBe(404);
    expect((await admin.get('/courriels/abc')).status).toBe(404);
  });

  it('lists the person who prefers a call with the words to say (territory scoping: notifications.outbox.test.ts)', async () => {
    const page = await (await advisor.get('/a-appeler')).text();
    expect(page).toContain('Karim');
    expect(page).toContain('Votre place est confirmée');
    expect(page).toContain(reference);
  });

  it('refuses an outcome without a choice, in French, and a foreign origin', async () => {
    const call = await server.db.db
      .selectFrom('notification')
      .select(['id'])
      .where('registration_id', '=', registrationId)
      .where('call_status', '=', 'todo')
      .executeTakeFirstOrThrow();
    const id = String(call.id);
    const missing = await advisor.post('/a-appeler?_action=calls.record', { id, outcome: '' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Choisissez comment l’appel s’est passé.');
    const foreign = await advisor.post(
      '/a-appeler?_action=calls.record',
      { id, outcome: 'joint' },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
  });

  it('records the call: the person leaves the list and a note is added to her file', async () => {
    const call = (await server.db.db
      .selectFrom('notification')
      .select(['id'])
      .where('registration_id', '=', registrationId)
      .where('call_status', '=', 'todo')
      .executeTakeFirstOrThrow()) as { id: number };
    const res = await advisor.post('/a-appeler?_action=calls.record', {
      id: String(call.id),
      outcome: 'joint',
      comment: 'Viendra avec sa voisine.',
    });
    expect(res.status).toBe(303);
    expect(location(res)).toBe('/a-appeler?fait=joint');
    const page = await (await advisor.get('/a-appeler')).text();
    expect(page).not.toContain(reference);
    const again = await advisor.post('/a-appeler?_action=calls.record', {
      id: String(call.id),
      outcome: 'joint',
    });
    expect(again.status).toBe(404);
    const note = await server.db.db
      .selectFrom('note')
      .select(['kind', 'body'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(note).toEqual({
      kind: 'appel',
      body: 'Personne jointe, message transmis. Viendra avec sa voisine.',
    });
  });
});
