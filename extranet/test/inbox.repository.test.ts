import { describe, expect, it } from 'vitest';
import type { Viewer } from '../src/features/auth/viewer.ts';
import { inboxFilters, listInbox, PAGE_SIZE } from '../src/features/registrations/inbox.repository.ts';
import { withMigratedDatabase } from './support/database.ts';
import { insertPerson, registrationRow } from './support/rows.ts';
import { BACKENDS } from './support/server.ts';

const TERRITORIES = ['valenciennois', 'douaisis', 'cambresis'];
const LAST = ['arnaud', 'bernard', 'colin', 'dupont', null];

describe.each(BACKENDS)('inbox list on %s', (backend) => {
  it('returns each page in the order of its sort, with the total (capped), within the viewer’s territories', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const now = Date.parse('2026-11-20T10:00:00.000Z');
      const iso = (ms: number) => new Date(ms).toISOString();
      const events = [
        { id: 'ev-late', at: '2026-12-20T08:00:00.000Z' },
        { id: 'ev-early', at: '2026-12-05T08:00:00.000Z' },
      ];
      for (const e of events) {
        await db
          .insertInto('event_copy')
          .values({
            document_id: e.id,
            title: `Session ${e.id}`,
            slug: null,
            kind: 'session',
            program_title: 'Parcours',
            program_slug: 'parcours',
            program_kind: 'parcours',
            territory: 'valenciennois',
            territory_name: 'Valenciennois',
            slots_json: '[]',
            first_slot_at: e.at,
            capacity: 100,
            venue_json: '{}',
            registration_opens_at: null,
            registration_closes_at: null,
            cancelled: 0,
            removed: 0,
            refreshed_at: iso(now),
          })
          .execute();
      }
      const seeded: { id: number; name: string; created: string; slot: string; territory: string }[] = [];
      for (let i = 0; i < 90; i++) {
        const last = LAST[i % LAST.length] ?? null;
        const first = `prenom${String(i % 7)}`;
        const territory = TERRITORIES[i % 3] as string;
        const event = events[i % 2] as (typeof events)[number];
        // Several registrations share a creation time: the id breaks the tie.
        const created = iso(now - Math.floor(i / 3) * 60_000);
        const personId = await insertPerson(db, created, {
          first_name: first,
          last_name: last,
          phone: `+3361${String(1_000_000 + i).slice(-7)}`,
          territory,
        });
        const reg = await db
          .insertInto('registration')
          .values(
            registrationRow({
              reference: `MAI-2026-${String(500_000 + i)}`,
              person_id: personId,
              event_id: event.id,
              territory,
              status: 'received',
              created_at: created,
            }),
          )
          .returning('id')
          .executeTakeFirstOrThrow();
        seeded.push({ id: reg.id, name: last ?? first, created, slot: event.at, territory });
      }
      const advisor: Viewer = { id: 'advisor', role: 'advisor', territories: ['valenciennois', 'douaisis'] };
      const admin: Viewer = { id: 'admin', role: 'admin', territories: [] };
      const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
      const expected: Record<string, (a: (typeof seeded)[number], b: (typeof seeded)[number]) => number> = {
        recent: (a, b) => cmp(b.created, a.created) || b.id - a.id,
        oldest: (a, b) => cmp(a.created, b.created) || a.id - b.id,
        name: (a, b) => cmp(a.name, b.name) || b.id - a.id,
        event: (a, b) => cmp(a.slot, b.slot) || a.id - b.id,
      };
      for (const viewer of [advisor, admin]) {
        const visible = seeded.filter(
          (r) => viewer.role === 'admin' || viewer.territories.includes(r.territory),
        );
        for (const [sort, order] of Object.entries(expected)) {
          const all = [...visible].sort(order).map((r) => r.id);
          const pages = Math.ceil(all.length / PAGE_SIZE);
          for (let page = 1; page <= pages + 1; page++) {
            const result = await listInbox(db, viewer, inboxFilters.parse({ sort, page: String(page) }));
            expect(
              result.items.map((r) => r.id),
              `${viewer.role}, ${sort}, page ${page}`,
            ).toEqual(all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE));
            expect(result.total).toBe(all.length);
            expect(result.more).toBe(false);
            expect(result.pages).toBe(pages);
            expect(result.hasNext).toBe(page < pages);
            // With a count capped below the number of matches: the same rows, "more than 20",
            // no number of pages, and a next page while the pages seen are full.
            const capped = await listInbox(db, viewer, inboxFilters.parse({ sort, page: String(page) }), {
              countCap: 20,
            });
            expect(capped.items.map((r) => r.id)).toEqual(result.items.map((r) => r.id));
            expect(capped.total).toBe(20);
            expect(capped.more).toBe(true);
            expect(capped.pages).toBeNull();
            expect(capped.hasNext).toBe(capped.items.length === PAGE_SIZE);
          }
        }
        // A search: the same per-registration check whatever the sort, and its capped count.
        const dupont = visible.filter((r) => r.name === 'dupont').map((r) => r.id);
        const found = await listInbox(db, viewer, inboxFilters.parse({ q: 'DUPONT', sort: 'name' }));
        expect([...found.items.map((r) => r.id)].sort((a, b) => a - b)).toEqual(
          [...dupont].sort((a, b) => a - b),
        );
        expect(found.total).toBe(dupont.length);
        const cappedSearch = await listInbox(db, viewer, inboxFilters.parse({ q: 'dupont' }), {
          countCap: 5,
        });
        expect(cappedSearch).toMatchObject({ total: 5, more: true, pages: null });
        expect(cappedSearch.items).toHaveLength(dupont.length);
      }
      // Details come with each row.
      const first = (await listInbox(db, advisor, inboxFilters.parse({ sort: 'oldest' }))).items[0];
      // The oldest visible ones were created together (i = 87, 88): the lower id, i = 87 (odd: the early event).
      expect(first?.reference).toBe('MAI-2026-500087');
      expect(first?.event_title).toBe('Session ev-early');
      expect(first?.first_name).toBe('prenom3');
      expect(first?.read_at).toBeNull();
    });
  });
});
