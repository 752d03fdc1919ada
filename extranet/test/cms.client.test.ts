import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.ts';
import { CmsError, createCmsClient } from '../src/features/cms/client.ts';
import { cmsEventEntry } from '../src/features/cms/schemas.ts';
import { refreshTerritoriesFromCms } from '../src/features/territories/territories.service.ts';
import {
  listTerritories,
  territoryName,
  territorySlugOfInsee,
  useTerritories,
} from '../src/features/territories/territories.ts';
import { BACKENDS, throwawayDatabase } from './support/server.ts';

/** A CMS answering `bodies` in turn (the last one again once they run out), recording each request. */
function cmsAnswering(...bodies: unknown[]) {
  const seen: { url: string; auth: string | null }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
    const body = bodies.length > 1 ? bodies.shift() : bodies[0];
    return typeof body === 'number' ? new Response('', { status: body }) : Response.json(body);
  }) as typeof fetch;
  return { seen, client: createCmsClient({ cmsUrl: 'http://cms.test', token: 'read-only', fetchImpl }) };
}

const territory = (slug: string, name: string, epciCodes: unknown) => ({
  documentId: slug,
  slug,
  name,
  epciCodes,
});
const FOUR = [
  territory('valenciennois', 'Valenciennois', ['245901160', '200042190']),
  territory('douaisis', 'Douaisis', ['200044618', '245901152']),
  territory('cambresis', 'Cambrésis', ['200068500', '200030633', '245901038']),
  territory('pevele-carembault', 'Pévèle-Carembault', ['200041960']),
];

describe('the CMS client', () => {
  it('sends the read-only token, pages through a collection and sets aside the entries its schema refuses', async () => {
    const good = {
      documentId: 'e1',
      title: 'Parcours',
      slots: [{ date: '2026-12-10', start: '09:00:00.000', end: '12:00:00.000' }],
    };
    const { seen, client } = cmsAnswering(
      { data: [good, { documentId: 'e2', title: 42 }], meta: { pagination: { pageCount: 2 } } },
      { data: [{ ...good, documentId: 'e3' }], meta: { pagination: { pageCount: 2 } } },
    );
    const { items, rejected } = await client.collection((page) => `/api/events?page=${page}`, cmsEventEntry);
    expect(items.map((e) => e.documentId)).toEqual(['e1', 'e3']);
    expect(rejected).toEqual([{ documentId: 'e2', title: 42 }]);
    expect(seen.map((s) => s.url)).toEqual([
      'http://cms.test/api/events?page=1',
      'http://cms.test/api/events?page=2',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer read-only')).toBe(true);
  });

  it('fails with a CmsError on an HTTP error, an answer that is not JSON or not the expected shape', async () => {
    const fails = async (client: ReturnType<typeof createCmsClient>) =>
      client
        .collection(() => '/api/events', cmsEventEntry)
        .then(
          () => null,
          (error: unknown) => error,
        );
    expect(await fails(cmsAnswering(503).client)).toBeInstanceOf(CmsError);
    expect(await fails(cmsAnswering({ data: '<html>maintenance</html>', meta: 42 }).client)).toBeInstanceOf(
      CmsError,
    );
    const notJson = createCmsClient({
      cmsUrl: 'http://cms.test',
      fetchImpl: (async () => new Response('<html>')) as unknown as typeof fetch,
    });
    expect(await fails(notJson)).toBeInstanceOf(CmsError);
    expect(await fails(createCmsClient({}))).toBeInstanceOf(CmsError);
  });

  it('gives up on a CMS that does not answer in time', async () => {
    const hanging = createCmsClient({
      cmsUrl: 'http://cms.test',
      timeoutMs: 50,
      fetchImpl: ((_: unknown, init?: RequestInit) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        )) as typeof fetch,
    });
    await expect(hanging.get('/api/global', cmsEventEntry)).rejects.toThrow(/unreachable/);
  });
});

describe.each(BACKENDS)('territories copy on %s', (backend) => {
  it('adds, keeps in order, deactivates and never empties the copy; routing follows it', async () => {
    const database = await throwawayDatabase(backend);
    const { db, close } = database.open();
    try {
      await migrateToLatest(db);
      const lens = territory('lens-lievin', 'Lens-Liévin', ['246200364']);
      const { client } = cmsAnswering({ data: [lens, ...FOUR] });
      expect(await refreshTerritoriesFromCms(db, client)).toEqual({ published: 5, unknownEpci: [] });
      // New territories come after the known ones.
      expect(listTerritories().map((t) => t.slug)).toEqual([
        'valenciennois',
        'douaisis',
        'cambresis',
        'pevele-carembault',
        'lens-lievin',
      ]);
      expect(territorySlugOfInsee('62498')).toBe('lens-lievin');
      expect(territorySlugOfInsee('59178')).toBe('douaisis');

      // Unpublished: inactive, its name kept; an unreadable entry keeps its last good copy; an EPCI
      // outside communes.generated.ts is reported.
      const broken = { ...FOUR[3], epciCodes: 'not a list' };
      const faraway = territory('paris', 'Paris', ['200054781']);
      const next = cmsAnswering({ data: [...FOUR.slice(0, 3), broken, faraway] });
      expect(await refreshTerritoriesFromCms(db, next.client)).toEqual({
        published: 4,
        unknownEpci: ['200054781'],
      });
      expect(territorySlugOfInsee('62498')).toBeNull();
      expect(territoryName('lens-lievin')).toBe('Lens-Liévin');
      expect(territorySlugOfInsee('59449')).toBe('pevele-carembault');

      // Nothing published at all, or the CMS down: the copy stays as it was.
      await expect(refreshTerritoriesFromCms(db, cmsAnswering({ data: [] }).client)).rejects.toThrow(
        CmsError,
      );
      await expect(refreshTerritoriesFromCms(db, cmsAnswering(502).client)).rejects.toThrow(CmsError);
      expect(listTerritories()).toHaveLength(5);
    } finally {
      // The process-wide list back to the seed, for the tests that follow in this file.
      useTerritories(
        FOUR.map(({ slug, name, epciCodes }) => ({ slug, name, epciCodes: epciCodes as string[] })),
      );
      await close();
      await database.drop();
    }
  });
});
