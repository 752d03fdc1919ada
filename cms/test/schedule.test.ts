import * as clock from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { runScheduledPublication } from '../src/bootstrap/schedule';
import { MESSAGES, reservedSlugProblems, scheduleProblems, storyProblems } from '../src/bootstrap/validation';

type Doc = { documentId: string; publishAt: string | null; unpublishAt: string | null; published: boolean };

/**
 * A Document Service in memory, enough for the job: findMany with `$lte` on a date, publish,
 * unpublish, and the low-level updateMany that clears a date.
 */
function fakeStrapi(docs: Doc[], refuse: Set<string> = new Set()) {
  const calls: string[] = [];
  const documents = () => ({
    findMany: async ({ status, filters }: { status: string; filters: Record<string, { $lte: string }> }) => {
      const [field, cond] = Object.entries(filters)[0]!;
      return docs.filter((d) => {
        const value = d[field as 'publishAt' | 'unpublishAt'];
        return (status === 'draft' || d.published) && value !== null && value <= cond.$lte;
      });
    },
    publish: async ({ documentId }: { documentId: string }) => {
      if (refuse.has(documentId)) throw new Error(MESSAGES.consent);
      calls.push(`publish ${documentId}`);
      docs.find((d) => d.documentId === documentId)!.published = true;
    },
    unpublish: async ({ documentId }: { documentId: string }) => {
      calls.push(`unpublish ${documentId}`);
      docs.find((d) => d.documentId === documentId)!.published = false;
    },
  });
  const strapi = {
    documents,
    db: {
      query: () => ({
        updateMany: async ({ where, data }: { where: { documentId: string }; data: Partial<Doc> }) => {
          Object.assign(docs.find((d) => d.documentId === where.documentId)!, data);
        },
      }),
    },
    log: { warn: () => {}, info: () => {}, error: () => {} },
  };
  return { strapi: strapi as never, calls };
}

describe('scheduled publication', () => {
  afterEach(() => clock.setClock(null));

  it('publishes and unpublishes by the shared clock, once, and leaves the future alone', async () => {
    const docs: Doc[] = [
      { documentId: 'due', publishAt: '2027-03-01T08:00:00.000Z', unpublishAt: null, published: false },
      { documentId: 'later', publishAt: '2027-03-01T10:00:00.000Z', unpublishAt: null, published: false },
      { documentId: 'ending', publishAt: null, unpublishAt: '2027-03-01T08:30:00.000Z', published: true },
    ];
    // Only one type is faked: the job runs every scheduled type against the same store.
    const { strapi, calls } = fakeStrapi(docs);
    clock.setClock('2027-03-01T07:59:00.000Z');
    await runScheduledPublication(strapi);
    expect(calls).toEqual([]);

    clock.setClock('2027-03-01T09:00:00+01:00'); // 08:00 UTC: the first date is reached
    const run = await runScheduledPublication(strapi);
    expect(run.published.map((r) => r.split(':').pop())).toEqual(['due']);
    expect(docs.find((d) => d.documentId === 'due')).toMatchObject({ published: true, publishAt: null });

    clock.setClock('2027-03-01T08:45:00.000Z');
    await runScheduledPublication(strapi);
    expect(docs.find((d) => d.documentId === 'ending')).toMatchObject({
      published: false,
      unpublishAt: null,
    });
    expect(docs.find((d) => d.documentId === 'later')).toMatchObject({ published: false });
    expect(calls).toEqual(['publish due', 'unpublish ending']);
  });

  it('keeps the date of an entry a rule refuses, so the editor sees it still waits', async () => {
    const docs: Doc[] = [
      {
        documentId: 'no-consent',
        publishAt: '2027-03-01T08:00:00.000Z',
        unpublishAt: null,
        published: false,
      },
    ];
    const { strapi } = fakeStrapi(docs, new Set(['no-consent']));
    clock.setClock('2027-03-02T00:00:00.000Z');
    const run = await runScheduledPublication(strapi);
    expect(run.published).toEqual([]);
    expect(run.refused.length).toBeGreaterThan(0);
    expect(docs[0]).toMatchObject({ published: false, publishAt: '2027-03-01T08:00:00.000Z' });
  });
});

describe('publication rules added with issue 13', () => {
  it('refuses the site’s own addresses for a CMS page, in French', () => {
    expect(reservedSlugProblems({ slug: 'agenda' })).toEqual([
      { path: ['slug'], message: MESSAGES.reservedSlug },
    ]);
    expect(reservedSlugProblems({ slug: 'Programmes' })).toHaveLength(1);
    expect(reservedSlugProblems({ slug: 'nos-partenaires-locaux' })).toEqual([]);
  });

  it('wants the unpublish date after the publish date', () => {
    expect(
      scheduleProblems({ publishAt: '2027-03-02T08:00:00Z', unpublishAt: '2027-03-01T08:00:00Z' }),
    ).toHaveLength(1);
    expect(
      scheduleProblems({ publishAt: '2027-03-01T08:00:00Z', unpublishAt: '2027-03-02T08:00:00Z' }),
    ).toEqual([]);
    expect(scheduleProblems({ unpublishAt: '2027-03-02T08:00:00Z' })).toEqual([]);
  });

  it('never publishes a story whose consent was withdrawn', () => {
    const story = { consentDate: '2026-01-01', consentScope: 'site' };
    expect(storyProblems(story)).toEqual([]);
    expect(storyProblems({ ...story, consentWithdrawn: true })).toEqual([
      { path: ['consentWithdrawn'], message: MESSAGES.consentWithdrawn },
    ]);
  });
});
