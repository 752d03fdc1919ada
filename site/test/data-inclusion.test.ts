import { describe, expect, it } from 'vitest';
import { buildServices, buildStructure, splitAddress } from '../src/lib/feeds/data-inclusion.ts';
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
    expect(splitAddress('Oscaar, 5 rue X, 59770 Marly')).toEqual({
      adresse: 'Oscaar, 5 rue X',
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
