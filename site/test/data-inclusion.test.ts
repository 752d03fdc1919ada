import { parisDate } from '@maillage/platform/clock';
import { describe, expect, it } from 'vitest';
import { GLOBAL, PROGRAMS, TERRITORIES } from '../../cms/src/bootstrap/seed-content.ts';
import { global, type Program, program, territory } from '../src/lib/cms/schemas.ts';
import {
  buildServices,
  buildStructure,
  dataInclusionPublics,
  e164,
  serviceDescription,
  splitAddress,
} from '../src/lib/feeds/data-inclusion.ts';
import { sampleGlobal, samplePrograms, sampleTerritories } from './fixtures/content.ts';
import { validators } from './helpers/data-inclusion.ts';

describe('data·inclusion export', () => {
  const v = validators();

  it('publishes one structure valid against structure.json', () => {
    const s = buildStructure(sampleGlobal(), 'https://maillage.example');
    expect(v.structure(s), JSON.stringify(v.structure.errors)).toBe(true);
    expect(s).toMatchObject({ id: 'maillage--maillage', code_postal: '59500', commune: 'Douai' });
  });

  it('publishes one valid service per program', () => {
    const services = buildServices(
      samplePrograms(),
      sampleGlobal(),
      sampleTerritories(),
      'https://maillage.example',
    );
    expect(services).toHaveLength(2);
    for (const s of services) expect(v.service(s), JSON.stringify(v.service.errors)).toBe(true);
  });

  it('drops codes the standard does not know instead of publishing invalid data', () => {
    const [parcours, formation] = buildServices(
      samplePrograms(),
      sampleGlobal(),
      sampleTerritories(),
      'https://m.example',
    );
    expect(parcours?.thematiques).toEqual([
      'creer-une-entreprise--definir-son-projet-de-creation-dentreprise',
    ]);
    expect(parcours?.type).toBe('atelier');
    expect(parcours?.volume_horaire_hebdomadaire).toBe(6.5);
    expect(parcours?.zone_eligibilite).toEqual(['200044618', '245901152']);
    expect(formation?.type).toBeNull();
    expect(formation?.frais).toBe('payant');
    expect(formation?.frais_precisions).toBe('20 € par jour');
  });

  it('the schema really rejects an invalid service (the check can fail)', () => {
    const [s] = buildServices(samplePrograms(), sampleGlobal(), [], 'https://m.example');
    expect(v.service({ ...s, frais: 'peut-être' })).toBe(false);
    expect(v.service({ ...s, date_maj: undefined })).toBe(false);
  });

  it('splits a free-text address', () => {
    // A place's name before the street is not part of the postal address.
    expect(splitAddress('Oscaar, 5 rue X, 59770 Marly')).toEqual({
      adresse: '5 rue X',
      code_postal: '59770',
      commune: 'Marly',
    });
    expect(splitAddress('Quelque part')).toEqual({
      adresse: 'Quelque part',
      code_postal: null,
      commune: null,
    });
  });
});

/**
 * The official quality score, ported from gip-inclusion/data-inclusion-schema (v1.0.8, commit
 * df9ce7f), src/data_inclusion/schema/v1/score_qualite.py: one function per criterion, 0 to 1,
 * `null` when not applicable; the score is the mean of the applicable ones. Lengths are Python's
 * len (code points). pendulum's durations of 6 months and 2 years are taken as 180 and 730 days.
 */
type Service = ReturnType<typeof buildServices>[number];
const DAY_MS = 86_400_000;
const CRITERES: Record<string, (s: Service, now: Date) => number | null> = {
  adresse_bien_definie: (s) =>
    s.modes_accueil?.includes('en-presentiel') || s.modes_mobilisation?.includes('se-presenter')
      ? s.adresse
        ? 1
        : 0
      : null,
  modes_mobilisation_bien_definis: (s) => (s.modes_mobilisation ? 0.5 : 0) + (s.mobilisable_par ? 0.5 : 0),
  au_moins_un_public: (s) => (s.publics?.length ? 1 : 0),
  au_moins_une_thematique: (s) => (s.thematiques?.length ? 1 : 0),
  au_moins_un_moyen_de_contact: (s) => (s.courriel || s.lien_mobilisation || s.telephone ? 1 : 0),
  courriel_bien_defini: (s) =>
    s.modes_mobilisation?.includes('envoyer-un-courriel') ? (s.courriel ? 1 : 0) : null,
  date_maj_recente: (s, now) => {
    if (!s.date_maj) return 0;
    const age = (now.getTime() - Date.parse(s.date_maj)) / DAY_MS;
    if (age < 180) return 1;
    if (age < 730) return (730 - age) / (730 - 180);
    return 0;
  },
  frais_bien_definis: (s) =>
    s.frais === null ? 0 : s.frais === 'gratuit' ? 1 : s.frais_precisions ? 1 : 0.5,
  description_bien_definie: (s) => {
    const n = [...s.description].length;
    if (n < 50) return 0;
    if (n < 200) return 0.5;
    if (n < 2000) return 1;
    if (n <= 10000) return 0.5;
    throw new Error(`description de ${n} caractères`);
  },
  telephone_bien_defini: (s) => (s.modes_mobilisation?.includes('telephoner') ? (s.telephone ? 1 : 0) : null),
};
function score(s: Service, now: Date): { score: number; details: Record<string, number | null> } {
  const details = Object.fromEntries(Object.entries(CRITERES).map(([k, f]) => [k, f(s, now)]));
  const relevant = Object.values(details).filter((v): v is number => v !== null);
  const mean = relevant.reduce((a, b) => a + Math.round(b * 100) / 100, 0) / relevant.length;
  return { score: Math.round(mean * 100) / 100, details };
}

describe('data·inclusion’s own rules and quality score', () => {
  const v = validators();
  // The CMS's demo content, as the site reads it.
  const programs = PROGRAMS.map((p, i) =>
    program.parse({ ...p, documentId: `p${i}`, updatedAt: '2026-11-20T10:00:00.000Z' }),
  );
  const services = buildServices(
    programs,
    global.parse(GLOBAL),
    TERRITORIES.map((t) => territory.parse({ ...t, documentId: t.slug })),
    'https://maillage.example',
  );

  it('gives every demo service the full official quality score, and valid data', () => {
    expect(services.length).toBe(PROGRAMS.length);
    for (const s of services) {
      const result = score(s, new Date('2026-12-02T00:30:00+01:00'));
      expect(result, s.id).toEqual({ score: 1, details: expect.any(Object) });
      expect(v.service(s), JSON.stringify(v.service.errors)).toBe(true);
      expect(s.telephone).toBe('+33327000000');
      expect(s.adresse).toBe('10 rue de la Solidarité');
    }
  });

  it('the ported score can fail: a short description, no public, a stale date', () => {
    const [s] = services as [Service];
    const now = new Date('2026-12-02T12:00:00Z');
    expect(score({ ...s, description: 'Court.' }, now).details.description_bien_definie).toBe(0);
    expect(score({ ...s, publics: null }, now).score).toBeLessThan(1);
    expect(score({ ...s, date_maj: '2024-01-01' }, now).details.date_maj_recente).toBe(0);
    expect(score({ ...s, telephone: null }, now).details.telephone_bien_defini).toBe(0);
  });

  it('gives the phone in E.164 by the registration contract’s rule, and other text as typed', () => {
    expect(e164('03 27 00 00 00')).toBe('+33327000000');
    expect(e164('Standard : 03.27.00.00.00')).toBe('+33327000000');
    expect(e164('+33 (0)3 27 00 00 00')).toBe('+33327000000');
    expect(e164('0033 3 27 00 00 00')).toBe('+33327000000');
    expect(e164('+262 262 12 34 56')).toBe('+262262123456');
    expect(e164('+32 2 123 45 67')).toBe('+3221234567');
    expect(e164('le 3949')).toBe('le 3949');
    expect(e164('  ')).toBeNull();
  });

  it('publishes `tous-publics` alone, never with other publics', () => {
    expect(dataInclusionPublics(['demandeurs-emploi', 'tous-publics'])).toEqual(['tous-publics']);
    expect(dataInclusionPublics(['demandeurs-emploi', 'pas-un-code'])).toEqual(['demandeurs-emploi']);
    const [first] = buildServices(
      [{ ...(programs[0] as Program), diPublics: ['actifs', 'tous-publics'] }],
      global.parse(GLOBAL),
      [],
      'https://m.example',
    );
    expect(first?.publics).toEqual(['tous-publics']);
    for (const s of services)
      if (s.publics?.includes('tous-publics')) expect(s.publics, s.id).toEqual(['tous-publics']);
  });

  it('writes descriptions as readable text: paragraphs and list items apart, 200 to 1,999 characters', () => {
    const support = services.find((s) => s.id === 'maillage--accompagnement-individuel-creation-ess');
    expect(support?.description).toContain('\n- Émergence : votre idée devient un projet.\n- Maturation');
    for (const s of services) {
      expect(s.description, s.id).not.toMatch(/[.!?:][A-ZÀ-Ý]/);
      expect([...s.description].length).toBeGreaterThanOrEqual(200);
      expect([...s.description].length).toBeLessThanOrEqual(1999);
    }
    const long = serviceDescription(
      {
        ...(programs[0] as Program),
        description: Array.from({ length: 40 }, (_, i) => ({
          type: 'paragraph',
          children: [
            { type: 'text', text: `Paragraphe ${i} : une phrase assez longue pour remplir la page.` },
          ],
        })),
      },
      'https://m.example/programmes/x',
    );
    expect([...long].length).toBeLessThanOrEqual(1999);
    expect(long).toMatch(/La suite sur notre site : https:\/\/m\.example\/programmes\/x$/);
  });

  it('never dates a service in the future, and gives opening hours only in the OpenStreetMap format', () => {
    const [s] = buildServices(
      [{ ...(programs[0] as Program), updatedAt: '2999-01-01T00:00:00.000Z' }],
      global.parse(GLOBAL),
      [],
      'https://m.example',
    );
    expect(s?.date_maj).toBe(parisDate());
    expect(s?.horaires_accueil).toBeNull();
    const [osm] = buildServices(
      [programs[0] as Program],
      global.parse({ ...GLOBAL, openingHours: 'Mo-Fr 09:00-12:30,13:30-17:00' }),
      [],
      'https://m.example',
    );
    expect(osm?.horaires_accueil).toBe('Mo-Fr 09:00-12:30,13:30-17:00');
  });
});
