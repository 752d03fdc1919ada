import { parisDate } from '@maillage/platform/clock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.ts';
import { addEvent, uniquePhone } from './support/fixtures.ts';
import { personFromIntake, signedInTeam } from './support/people.ts';
import { BACKENDS, type RunningServer, startServer } from './support/server.ts';

// The forms are Astro Actions posted to their page (`?_action=`). Astro runs an action on whatever
// page it is posted to, so each action guards itself as its page does; Astro's JSON endpoint for them
// (`/_actions/<name>`) is not served at all.
describe.each(BACKENDS)('form actions posted anywhere on %s', (backend) => {
  let server: RunningServer;
  let anonymous: Browser;
  let admin: Browser;
  let advisor: Browser;
  let outsider: Browser;
  let personId: number;
  const note = () => ({
    person: String(personId),
    kind: 'appel',
    occurredOn: parisDate(),
    body: 'Appel d’ailleurs.',
  });
  const notes = () =>
    server.db.db.selectFrom('note').select('id').where('person_id', '=', personId).execute();

  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-val', 'valenciennois', 10);
    ({ anonymous, admin, advisor, outsider } = await signedInTeam(server));
    ({ personId } = await personFromIntake(server, 'ev-val'));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('does not serve the actions’ JSON endpoint, to anyone', async () => {
    for (const browser of [anonymous, advisor]) {
      const res = await browser.post('/_actions/persons.note', note());
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('occurredOn');
    }
    expect(await notes()).toEqual([]);
  });

  it('refuses an anonymous post, even through a public page', async () => {
    for (const page of ['/connexion', '/mot-de-passe-oublie', `/personnes/${personId}`]) {
      const res = await anonymous.post(`${page}?_action=persons.note`, note());
      expect(res.status, page).not.toBe(204);
      expect(await res.text(), page).not.toContain('occurredOn');
    }
    expect(await notes()).toEqual([]);
  });

  it('refuses a post from another site, before the action runs', async () => {
    const res = await advisor.post(`/personnes/${personId}?_action=persons.note`, note(), {
      origin: 'http://evil.example',
    });
    expect(res.status).toBe(403);
    expect(await notes()).toEqual([]);
  });

  it('refuses an advisor of another territory, through any page, and an advisor may not merge', async () => {
    // On the person's own page: 404; on a page whose forms these are not: « Formulaire invalide. ».
    expect((await outsider.post(`/personnes/${personId}?_action=persons.note`, note())).status).toBe(404);
    for (const page of ['/demandes', '/compte/securite'])
      expect((await outsider.post(`${page}?_action=persons.note`, note())).status, page).toBe(400);
    const merge = await advisor.post(`/personnes/${personId}?_action=persons.merge`, {
      person: String(personId),
      other: '999999',
      confirm: 'on',
    });
    expect([403, 404]).toContain(merge.status);
    expect(await notes()).toEqual([]);
  });

  it('refuses a body over 64 KB with 413', async () => {
    const res = await advisor.post(`/personnes/${personId}?_action=persons.note`, {
      ...note(),
      body: 'x'.repeat(70_000),
    });
    expect(res.status).toBe(413);
  });

  it('records the note for an advisor of the territory, with the French messages on a mistake', async () => {
    const bad = await advisor.post(`/personnes/${personId}?_action=persons.note`, { ...note(), body: '' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Écrivez la note.');
    expect((await advisor.post(`/personnes/${personId}?_action=persons.note`, note())).status).toBe(303);
    expect(await notes()).toHaveLength(1);
  });
  it('erases or merges only the record of the page the form was posted from', async () => {
    const other = (await personFromIntake(server, 'ev-val', { firstName: 'Autre', phone: uniquePhone() }))
      .personId;
    const erase = { person: String(personId), intent: 'erase-confirm', confirm: 'on' };
    const res = await admin.post(`/admin/personnes/${other}?_action=retention.erase`, erase);
    expect(res.status).toBe(400);
    const merge = { person: String(personId), other: String(other), confirm: 'on' };
    expect((await admin.post(`/personnes/${other}?_action=persons.merge`, merge)).status).toBe(400);
    const people = await server.db.db
      .selectFrom('person')
      .select(['id', 'erased_at'])
      .where('id', 'in', [personId, other])
      .execute();
    expect(people.map((p) => p.erased_at)).toEqual([null, null]);
  });
});
