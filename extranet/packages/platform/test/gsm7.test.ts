import { describe, expect, it } from 'vitest';
import { isGsm7, smsSegments, toGsm7 } from '../src/gsm7.ts';

describe('GSM-7', () => {
  it('keeps the French accents the alphabet has and replaces the others', () => {
    expect(toGsm7('« Créer » l’activité, où ça ? Être prêt… à 9 h')).toBe(
      '" Créer " l\'activité, où ca ? Etre pret... à 9 h',
    );
    expect(toGsm7('Cœur de l’Ostrevent — Pévèle')).toBe("Coeur de l'Ostrevent - Pévèle");
    expect(isGsm7(toGsm7('Zoé 🎉 Анна ā'))).toBe(true);
  });

  it('counts segments as operators bill them', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'gsm7', length: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161)).segments).toBe(2);
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
    // The euro sign and brackets take two septets.
    expect(smsSegments('€'.repeat(80)).length).toBe(160);
    expect(smsSegments(`${'€'.repeat(80)}a`).segments).toBe(2);
    // One « is enough to switch to UCS-2: 70 per SMS.
    expect(smsSegments(`«${'a'.repeat(69)}`)).toEqual({ encoding: 'ucs2', length: 70, segments: 1 });
    expect(smsSegments(`«${'a'.repeat(70)}`).segments).toBe(2);
  });
});
