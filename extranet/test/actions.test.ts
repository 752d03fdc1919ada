import { parisDate } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { addEvent } from './support/fixtures.ts';
import { personFromIntake, signedInTeam } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

// The forms are Astro Actions: besides the page they post to (`?_action=`), each one answers at
// `/_actions/<name>`, a public endpoint. The middleware and the action itself guard it as they
// guard the page.
describe.each(BACKENDS)('form actions called directly on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let advisor: Browser;
  let outsider: Browser;
  let personId: number;
  const note = () => ({
    person: String(personId),
    kind: 'appel',
    occurredOn: parisDate(),
    body: 'Appel direct.',
  });
  const notes = () =>
    server.db.db.selectFrom('note').select('id').where('person_id', '=', personId).execute();

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ anonymous, advisor, outsider } = await signedInTeam(server));
    ({ personId } = await personFromIntake(server, 'ev-val'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses an anonymous call, and says nothing of what the form expects', async () => {
    const res = await anonymous.post('/_actions/persons.note', {});
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('occurredOn');
    expect(await notes()).toEqual([]);
  });

  it('refuses a call from another site, before the action runs', async () => {
    const res = await advisor.post('/_actions/persons.note', note(), { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(await notes()).toEqual([]);
  });

  it('answers 404 to an advisor of another territory, and an advisor may not merge', async () => {
    expect((await outsider.post('/_actions/persons.note', note())).status).toBe(404);
    const merge = await advisor.post('/_actions/persons.merge', {
      person: String(personId),
      other: '999999',
      confirm: 'on',
    });
    expect(merge.status).toBe(403);
    expect(await notes()).toEqual([]);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const res = await advisor.post('/_actions/persons.note', { ...note(), body: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
  });

  it('records the note for an advisor of the territory, with the French messages on a mistake', async () => {
    const bad = await advisor.post('/_actions/persons.note', { ...note(), body: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Écrivez la note.');
    expect((await advisor.post('/_actions/persons.note', note())).status).toBe(204);
    expect(await notes()).toHaveLength(1);
  });
});
