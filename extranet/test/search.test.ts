import { describe, expect, it } from 'vitest';
import * as personSearchMigration from '../src/db/migrations/2026_12_08_0100_person_search.ts';
import { nameKeys } from '../src/db/name-keys.ts';
import type { Viewer } from '../src/features/auth/viewer.ts';
import { insertPerson, updatePersonRow } from '../src/features/persons/persons.repository.ts';
import { claimErasure } from '../src/features/retention/retention.repository.ts';
import { editDistance, readTerm, searchQuery } from '../src/features/search/search.rules.ts';
import { globalSearch } from '../src/features/search/search.service.ts';
import { withMigratedDatabase } from './support/database.ts';
import { personRow, registrationRow } from './support/rows.ts';
import { BACKENDS } from './support/server.ts';

const AT = '2026-11-20T10:00:00.000Z';
const admin: Viewer = { id: 'admin-1', role: 'admin', territories: [] };
const advisor: Viewer = { id: 'advisor-1', role: 'advisor', territories: ['valenciennois'] };
const outsider: Viewer = { id: 'outsider-1', role: 'advisor', territories: ['cambresis'] };

describe('search rules', () => {
  it('reads a reference, an e-mail, a phone in any French format, a person’s number and a name', () => {
    expect(readTerm('mai-2026-42')).toEqual({ kind: 'reference', reference: 'MAI-2026-000042' });
    expect(readTerm(' MAI-2026-000042 ')).toEqual({ kind: 'reference', reference: 'MAI-2026-000042' });
    expect(readTerm('Rose.V@Exemple.FR')).toEqual({ kind: 'email', email: 'rose.v@exemple.fr' });
    for (const typed of [
      '06 12 34 56 78',
      '+33612345678',
      '06.12.34.56.78',
      '0033 6 12 34 56 78',
      '06-12-34-56-78',
    ]) {
      expect(readTerm(typed)).toEqual({ kind: 'phone', phone: '+33612345678' });
    }
    expect(readTerm('n° 1234')).toEqual({ kind: 'number', id: 1234 });
    expect(readTerm('  Élodie   LEFÈVRE ')).toEqual({ kind: 'name', words: ['lefevre', 'elodie'] });
    expect(readTerm('!!!')).toBeNull();
  });

  it('refuses an empty or one-letter term with a French message', () => {
    const empty = searchQuery.safeParse({ q: '   ' });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toBe(
      'Saisissez un nom, un téléphone, un e-mail ou un numéro de dossier.',
    );
    expect(searchQuery.safeParse({ q: 'a' }).error?.issues[0]?.message).toBe(
      'Saisissez au moins 2 caractères.',
    );
    expect(searchQuery.safeParse({ q: 'x'.repeat(81) }).success).toBe(false);
  });

  it('measures edits: one letter missing, added, changed or two swapped is one', () => {
    expect(editDistance('lefevre', 'lefevre')).toBe(0);
    expect(editDistance('lefevre', 'lfevre')).toBe(1);
    expect(editDistance('lefevre', 'lefebvre')).toBe(1);
    expect(editDistance('lefevre', 'lefebre')).toBe(1);
    expect(editDistance('lefevre', 'lefvere')).toBe(1);
    expect(editDistance('lefevre', 'lebvre')).toBe(2);
  });

  it('keys a name without accents or case, with its one-letter deletions and compound names joined', () => {
    const keys = nameKeys('Élodie', 'Le Gall');
    expect(keys).toContain('=elodie');
    expect(keys).toContain('=le');
    expect(keys).toContain('=gall');
    expect(keys).toContain('=legall');
    expect(keys).toContain('~lodie');
    expect(keys.some((k) => /[A-ZÉ]/.test(k))).toBe(false);
  });
});

describe.each(BACKENDS)('global search on %s', (backend) => {
  it('finds people by name (accents, case, a typo, a start), phone, e-mail and number, only in the viewer’s territories', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const elodie = await insertPerson(db, {
        ...personRow(AT, { first_name: 'Élodie', last_name: 'Lefèvre', phone: '+33612345678' }),
        email: 'elodie.l@exemple.fr',
      });
      const other = await insertPerson(
        db,
        personRow(AT, { first_name: 'Marc', last_name: 'Dubois', phone: '+33698765432' }),
      );
      const ids = async (viewer: Viewer, q: string) =>
        (await globalSearch(db, viewer, q)).people.items.map((p) => p.id);

      for (const q of [
        'elodie lefevre',
        'LEFEVRE',
        'Lefèvre Élodie',
        'lefebre',
        'lfevre',
        'Lefèvres',
        'élodi',
        'lef',
      ]) {
        expect(await ids(advisor, q), q).toEqual([elodie]);
      }
      for (const q of [
        '06 12 34 56 78',
        '+33612345678',
        '06.12.34.56.78',
        'ELODIE.L@exemple.fr',
        String(elodie),
      ]) {
        expect(await ids(advisor, q), q).toEqual([elodie]);
      }
      expect(await ids(advisor, 'dubois')).toEqual([other]);
      // Two words must both be there; two edits away is not a typo.
      expect(await ids(advisor, 'elodie dubois')).toEqual([]);
      expect(await ids(advisor, 'lebvre')).toEqual([]);
      // Another territory's advisor finds nothing of them; the admin finds them.
      for (const q of ['lefevre', '06 12 34 56 78', 'elodie.l@exemple.fr', String(elodie)]) {
        expect(await ids(outsider, q), q).toEqual([]);
        expect(await ids(admin, q), q).toEqual([elodie]);
      }
    });
  });

  it('finds a request by its reference, with the person’s supports, and groups requests and sessions of what it found', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      await db
        .insertInto('event_copy')
        .values({
          document_id: 'ev-decouverte',
          title: 'Parcours des Possibles — Découverte à Denain',
          slug: null,
          kind: 'session',
          program_title: 'Parcours des Possibles',
          program_slug: 'parcours',
          program_kind: 'parcours',
          territory: 'valenciennois',
          territory_name: 'Valenciennois',
          slots_json: '[]',
          first_slot_at: '2026-12-10T08:00:00.000Z',
          capacity: 10,
          venue_json: '{}',
          registration_opens_at: null,
          registration_closes_at: null,
          cancelled: 0,
          removed: 0,
          refreshed_at: AT,
        })
        .execute();
      const rose = await insertPerson(
        db,
        personRow(AT, { first_name: 'Rose', last_name: 'Vasseur', phone: '+33611111111' }),
      );
      const reg = await db
        .insertInto('registration')
        .values(
          registrationRow({
            reference: 'MAI-2026-000042',
            person_id: rose,
            territory: 'valenciennois',
            created_at: AT,
            event_id: 'ev-decouverte',
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      const support = await db
        .insertInto('support')
        .values({
          person_id: rose,
          advisor_id: null,
          phase: 'maturation',
          started_at: AT,
          ended_at: null,
          outcome: null,
          legal_form: null,
          outcome_date: null,
          created_at: AT,
          registration_id: null,
          activity_name: null,
          jobs_created: null,
          end_reason: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();

      const byRef = await globalSearch(db, advisor, 'mai-2026-42');
      expect(byRef.requests.items.map((r) => r.id)).toEqual([reg.id]);
      expect(byRef.supports.items.map((s) => s.id)).toEqual([support.id]);
      const byName = await globalSearch(db, advisor, 'vasseur');
      expect(byName.people.items.map((p) => p.id)).toEqual([rose]);
      expect(byName.requests.items.map((r) => r.id)).toEqual([reg.id]);
      expect(byName.supports.items.map((s) => s.id)).toEqual([support.id]);
      const session = await globalSearch(db, advisor, 'decouverte denain');
      expect(session.sessions.items.map((s) => s.document_id)).toEqual(['ev-decouverte']);

      const outside = await globalSearch(db, outsider, 'MAI-2026-000042');
      expect(outside.requests.items).toEqual([]);
      expect(outside.supports.items).toEqual([]);
      expect((await globalSearch(db, outsider, 'decouverte')).sessions.items).toEqual([]);
    });
  });

  it('keeps the keys with the name: a renamed person is found by the new name only, an erased one not at all', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      const id = await insertPerson(
        db,
        personRow(AT, { first_name: 'Jeanne', last_name: 'Martin', phone: '+33622222222' }),
      );
      await updatePersonRow(db, id, { last_name: 'Delattre' }, AT);
      expect((await globalSearch(db, admin, 'martin')).people.items).toEqual([]);
      expect((await globalSearch(db, admin, 'jeanne delattre')).people.items.map((p) => p.id)).toEqual([id]);
      await claimErasure(db, id, 'Personne effacée', AT);
      expect((await globalSearch(db, admin, 'delattre')).people.items).toEqual([]);
      expect(
        await db.selectFrom('person_search_key').where('person_id', '=', id).selectAll().execute(),
      ).toEqual([]);
    });
  });

  it('keys the people already there when the migration runs', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      await personSearchMigration.down(db);
      const raw = await db
        .insertInto('person')
        .values(personRow(AT, { first_name: 'Anaïs', last_name: 'Wattiez', phone: '+33633333333' }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await personSearchMigration.up(db);
      expect((await globalSearch(db, admin, 'anais watiez')).people.items.map((p) => p.id)).toEqual([raw.id]);
    });
  });

  it('writes one audit row with the counts, never the term', async () => {
    await withMigratedDatabase(backend, async ({ db }) => {
      await insertPerson(db, {
        ...personRow(AT, { first_name: 'Océane', last_name: 'Brassart', phone: '+33644444444' }),
        email: 'oceane.b@exemple.fr',
      });
      const terms = ['brassart', '06 44 44 44 44', 'oceane.b@exemple.fr', 'MAI-2026-000999'];
      for (const q of terms) await globalSearch(db, advisor, q);
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'global.search')
        .execute();
      expect(rows).toHaveLength(4);
      expect(JSON.parse(rows[0]!.details_json ?? '{}')).toEqual({
        people: 1,
        requests: 0,
        sessions: 0,
        supports: 0,
      });
      const everything = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute()).toLowerCase();
      for (const needle of ['brassart', '644444444', '44 44', 'oceane', 'mai-2026-000999']) {
        expect(everything).not.toContain(needle);
      }
    });
  });
});
