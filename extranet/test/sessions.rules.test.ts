import { setClock } from '@maillage/platform/clock';
import { extractText, extractTextItems } from 'unpdf';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cancelLinkExpiry,
  signCancelToken,
  verifyCancelToken,
} from '../src/features/notifications/cancel-link.rules.ts';
import {
  createAssociationSource,
  FALLBACK_ASSOCIATION,
} from '../src/features/sessions/association.service.ts';
import { buildEmargement, shortDay } from '../src/features/sessions/emargement.view.ts';
import type { HalfDay } from '../src/features/sessions/sessions.rules.ts';
import { completion, requiredHalfDays } from '../src/features/sessions/sessions.rules.ts';

afterEach(() => setClock(null));

describe('completion of a Parcours', () => {
  it('counts a Parcours of 5 to 7 half-days as completed at 4 half-days attended', () => {
    expect(requiredHalfDays(7)).toBe(4);
    expect(completion(7, ['present', 'present', 'present', 'absent']).completed).toBe(false);
    expect(completion(7, ['present', 'present', 'present', 'present']).completed).toBe(true);
    expect(completion(5, ['present', 'present', 'excused', 'present', 'present']).completed).toBe(true);
  });

  it('does not count excused half-days as attended', () => {
    const c = completion(6, ['present', 'present', 'present', 'excused', 'excused', 'excused']);
    expect(c).toEqual({ attended: 3, required: 4, completed: false, excused: 3, unrecorded: 0 });
  });

  it('asks every half-day of a session shorter than 4 half-days', () => {
    expect(requiredHalfDays(3)).toBe(3);
    expect(completion(3, ['present', 'present', 'excused']).completed).toBe(false);
    expect(completion(3, ['present', 'present', 'present']).completed).toBe(true);
    expect(completion(1, ['present']).completed).toBe(true);
  });

  it('never counts a session without half-days as completed, and says what is left to record', () => {
    expect(completion(0, []).completed).toBe(false);
    expect(completion(7, ['present']).unrecorded).toBe(6);
  });
});

describe('the "je ne peux pas venir" link', () => {
  const secret = 'un-secret-de-test-assez-long-0123456789';

  it('accepts the token it signed, for that registration only', () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = signCancelToken(secret, 42, exp);
    expect(token).toMatch(/^42\.\d+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyCancelToken(secret, token)).toEqual({ ok: true, registrationId: 42 });
    // Another registration id with the same signature, a longer expiry, another secret: refused.
    const [, e, sig] = token.split('.');
    expect(verifyCancelToken(secret, `43.${e}.${sig}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyCancelToken(secret, `42.${Number(e) + 1}.${sig}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyCancelToken('un-autre-secret', token)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyCancelToken(secret, '')).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyCancelToken(secret, 'x'.repeat(500))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses an expired link, and expires at the end of the session’s last day in Paris', () => {
    setClock('2027-01-10T10:00:00Z');
    const exp = cancelLinkExpiry('2027-01-12');
    expect(new Date(exp * 1000).toISOString()).toBe('2027-01-12T23:00:00.000Z');
    const token = signCancelToken(secret, 7, exp);
    expect(verifyCancelToken(secret, token).ok).toBe(true);
    setClock('2027-01-12T22:59:00Z');
    expect(verifyCancelToken(secret, token).ok).toBe(true);
    setClock('2027-01-12T23:00:00Z');
    expect(verifyCancelToken(secret, token)).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('the association’s name and funders from the CMS global', () => {
  it('reads them once, keeps them while the CMS is down, and falls back to "Maillage" without them', async () => {
    let calls = 0;
    let up = true;
    const fetchImpl = (async () => {
      calls++;
      if (!up) throw new Error('ECONNREFUSED');
      return Response.json({
        data: {
          siteName: 'Maillage Hainaut',
          funders: [{ name: 'Région', mention: 'Avec le soutien de la Région.' }],
        },
      });
    }) as typeof fetch;
    const source = createAssociationSource({ cmsUrl: 'http://cms.test', fetchImpl });
    const first = await source.get();
    expect(first).toEqual({
      name: 'Maillage Hainaut',
      funders: [{ name: 'Région', mention: 'Avec le soutien de la Région.' }],
      fallback: false,
    });
    await source.get();
    expect(calls).toBe(1);
    up = false;
    setClock(new Date(Date.now() + 11 * 60_000));
    expect((await source.get()).name).toBe('Maillage Hainaut');
    expect(calls).toBe(2);

    const down = createAssociationSource({ cmsUrl: 'http://cms.test', fetchImpl });
    expect(await down.get()).toEqual(FALLBACK_ASSOCIATION);
  });
});

function sessionDays(n: number): HalfDay[] {
  return Array.from({ length: n }, (_, i) => {
    const date = `2027-01-${String(11 + i * 2).padStart(2, '0')}`;
    return { key: `${date}T09:00`, date, start: '09:00', end: '12:00', label: null };
  });
}

describe('the feuille d’émargement', () => {
  const association = {
    name: 'Maillage — Réseau de l’entrepreneuriat',
    funders: [
      { name: 'Région Hauts-de-France', mention: 'Action cofinancée par la Région Hauts-de-France.' },
      {
        name: 'Fonds social européen',
        mention: 'Ce projet est cofinancé par le Fonds social européen (FSE+).',
      },
    ],
    fallback: false,
  };
  const participants = [
    { firstName: 'Zoé', lastName: 'Lefèvre' },
    { firstName: 'François', lastName: 'Œuvray' },
    { firstName: 'Anaïs', lastName: 'Brûlé' },
    { firstName: 'Łukasz', lastName: 'Nowak' },
    ...Array.from({ length: 8 }, (_, i) => ({
      firstName: `Personne${i + 1}`,
      lastName: `Participant${i + 1}`,
    })),
  ];

  it('holds the association, its funders, every participant and every half-day date, accents included', async () => {
    const days = sessionDays(7);
    const pdf = await buildEmargement({
      association,
      session: {
        title: 'Parcours des Possibles à Saint-Amand-les-Eaux',
        territoryName: 'Valenciennois',
        venue: {
          name: 'Maison de l’emploi',
          address: '2 rue d’Orchies',
          postcode: '59230',
          commune: 'Saint-Amand',
        },
        halfDays: days,
      },
      participants,
    });
    const { text, totalPages } = await extractText(pdf, { mergePages: true });
    // A group of 12 for 7 half-days fits on one A4 landscape page.
    expect(totalPages).toBe(1);
    expect(text).toContain('Maillage — Réseau de l’entrepreneuriat');
    expect(text).toContain('Action cofinancée par la Région Hauts-de-France.');
    expect(text).toContain('Fonds social européen');
    expect(text).toContain('Parcours des Possibles à Saint-Amand-les-Eaux');
    for (const p of participants.slice(0, 3))
      expect(text).toContain(`${p.lastName.toUpperCase()} ${p.firstName}`);
    // A letter outside the standard fonts loses its accent rather than breaking the document.
    expect(text).toContain('NOWAK Lukasz');
    for (let i = 1; i <= 8; i++) expect(text).toContain(`PARTICIPANT${i} Personne${i}`);
    for (const d of days) expect(text).toContain(shortDay(d.date));
    expect(shortDay('2027-01-11')).toBe('lun. 11/01/2027');
  });

  it('starts a new page rather than splitting a row, with the header again', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ firstName: `P${i + 1}`, lastName: `Nom${i + 1}` }));
    const pdf = await buildEmargement({
      association,
      session: { title: 'Longue session', territoryName: null, venue: {}, halfDays: sessionDays(6) },
      participants: many,
    });
    const { totalPages, items } = await extractTextItems(pdf);
    expect(totalPages).toBeGreaterThan(2);
    const names = items.flat().filter((i) => /^NOM\d+ P\d+$/.test(i.str));
    expect(names.map((i) => i.str).sort()).toEqual(
      many.map((p) => `${p.lastName.toUpperCase()} ${p.firstName}`).sort(),
    );
    for (const page of items) {
      expect(page.some((i) => i.str === 'Participant·e')).toBe(true);
      // Every name on a page sits above the funders' block (rows stop before it).
      const footTop = Math.max(
        ...page.filter((i) => i.str.startsWith('Ce projet') || i.str.startsWith('Région')).map((i) => i.y),
      );
      for (const n of page.filter((i) => /^NOM\d+/.test(i.str))) expect(n.y).toBeGreaterThan(footTop + 10);
    }
  });
});
