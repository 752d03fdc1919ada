import { randomUUID } from 'node:crypto';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { territoriesQuery } from '../src/features/territories/territories.sync.ts';
import { Browser, location } from './support/browser.ts';
import { intake, uniquePhone } from './support/fixtures.ts';
import { ADMIN, invite, visibleText } from './support/people.ts';
import { BACKENDS, DEMO_PASSWORD, freePort, type RunningServer, startServer } from './support/server.ts';

// Lens and Liévin (Pas-de-Calais) belong to the Communauté d'agglomération de Lens-Liévin, in none of
// the four territories the extranet starts with.
const LENS = '62498';
const LIEVIN = '62510';
const LENS_LIEVIN_EPCI = '246200364';

/** The editor's path: the content-manager API the Strapi admin panel uses. */
async function editor(cms: StartedStrapi) {
  const login = await fetch(`${cms.url}/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'communication@maillage.test', password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const { data } = (await login.json()) as { data: { token: string } };
  const base = `${cms.url}/content-manager/collection-types/api::territory.territory`;
  const call = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${data.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as { data: { documentId: string } };
  };
  return {
    create: (fields: Record<string, unknown>) => call('', fields),
    publish: (documentId: string) => call(`/${documentId}/actions/publish`),
    unpublish: (documentId: string) => call(`/${documentId}/actions/unpublish`),
  };
}

function supportRequest(communeInsee: string, lastName: string) {
  return {
    kind: 'support',
    idempotencyKey: randomUUID(),
    firstName: 'Inès',
    lastName,
    phone: uniquePhone(),
    preferredContact: 'appel',
    communeInsee,
    projectIdea: 'Une ressourcerie de quartier',
  };
}

it('asks the CMS for the territories’ names, slugs and EPCI codes, never populate=*', () => {
  const q = decodeURIComponent(territoriesQuery(1));
  expect(q).toContain('fields[2]=epciCodes');
  expect(q).not.toContain('populate');
});

describe('territories from the real CMS', () => {
  let cms: StartedStrapi;
  // The extranet of each backend listens on this port in turn: the CMS's webhooks go there.
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    cms = await startStrapi({ env: { EXTRANET_URL: `http://127.0.0.1:${port}` } });
  });

  afterAll(async () => {
    await cms?.stop();
  });

  describe.each(BACKENDS)('on %s', (backend) => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startServer(backend, {
        PORT: String(port),
        EXTRANET_URL: `http://127.0.0.1:${port}`,
        CMS_URL: cms.url,
        CMS_EXTRANET_TOKEN: cms.extranetToken,
        CMS_WEBHOOK_SECRET: cms.webhookSecret,
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    async function territoryOf(reference: string) {
      const row = await server.db.db
        .selectFrom('registration')
        .innerJoin('person', 'person.id', 'registration.person_id')
        .select(['registration.territory', 'person.territory as personTerritory'])
        .where('registration.reference', '=', reference)
        .executeTakeFirstOrThrow();
      return row;
    }

    /** 1 or 0 once the copy holds the territory, undefined before. */
    async function activeOf(slug: string) {
      const row = await server.db.db
        .selectFrom('territory')
        .select('active')
        .where('slug', '=', slug)
        .executeTakeFirst();
      return row?.active;
    }

    async function send(communeInsee: string, lastName = `Martin-${randomUUID().slice(0, 6)}`) {
      const res = await intake(server.url, supportRequest(communeInsee, lastName));
      expect(res.status).toBe(201);
      return territoryOf(((await res.json()) as { reference: string }).reference);
    }

    it('routes requests from the communes of a territory an editor publishes in the CMS to it and its advisors, and stops when it is unpublished', async () => {
      // The copy of the CMS is refreshed at start, then the demo registrations are seeded. (A webhook
      // arriving while a refresh runs joins it rather than starting another: wait for it to end.)
      await expect.poll(() => server.logs(), { timeout: 30_000 }).toContain('[démo]');
      expect(await send('59178')).toEqual({ territory: 'douaisis', personTerritory: 'douaisis' });
      expect(await send(LENS)).toEqual({ territory: null, personTerritory: null });

      const slug = `lens-lievin-${backend}`;
      const cmsEditor = await editor(cms);
      const created = await cmsEditor.create({
        name: `Lens-Liévin (${backend})`,
        slug,
        description: 'Communauté d’agglomération de Lens-Liévin.',
        epciCodes: [LENS_LIEVIN_EPCI],
        teamEmail: 'lens@maillage.test',
      });
      // Publishing sends the CMS's signed webhook to the extranet, which refreshes its copy.
      await cmsEditor.publish(created.data.documentId);
      await expect.poll(() => activeOf(slug), { timeout: 20_000 }).toBe(1);

      expect(await send(LENS, `Lens-${backend}`)).toEqual({ territory: slug, personTerritory: slug });
      expect(await send(LIEVIN)).toEqual({ territory: slug, personTerritory: slug });
      expect(await send('59178', `Douai-${backend}`)).toEqual({
        territory: 'douaisis',
        personTerritory: 'douaisis',
      });

      // The admin can give the new territory to an advisor, who then sees its requests only.
      const admin = new Browser(server.url);
      expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
      const lensAdvisor = await invite(server, admin, `lens-${backend}@maillage.test`, 'advisor', [slug]);
      const inbox = visibleText(await (await lensAdvisor.get('/demandes')).text());
      expect(inbox).toContain(`Lens-${backend}`);
      expect(inbox).not.toContain(`Douai-${backend}`);

      // Unpublished: kept (past requests still name it) but no longer routed to.
      await cmsEditor.unpublish(created.data.documentId);
      await expect.poll(() => activeOf(slug), { timeout: 20_000 }).toBe(0);
      expect(await send(LIEVIN)).toEqual({ territory: null, personTerritory: null });
    });
  });
});
