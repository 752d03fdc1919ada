import { fieldErrors, registrationRequest } from '@maillage/contract';
import { normaliseFrenchPhone } from '@maillage/platform/phone';
import { describe, expect, it } from 'vitest';

const key = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('registration contract', () => {
  it('normalises French phone numbers to E.164', () => {
    expect(normaliseFrenchPhone('06 12 34 56 78')).toBe('+33612345678');
    expect(normaliseFrenchPhone('+33 (0)6.12.34.56.78')).toBe('+33612345678');
    expect(normaliseFrenchPhone('0033 3 27 12 34 56')).toBe('+33327123456');
    expect(normaliseFrenchPhone('0692 12 34 56')).toBe('+33692123456');
    expect(normaliseFrenchPhone('+262 692 12 34 56')).toBe('+262692123456');
    expect(normaliseFrenchPhone('12345')).toBeNull();
    expect(normaliseFrenchPhone('+44 20 7946 0958')).toBeNull();
  });

  it('normalises overseas French numbers: their own code when dialled internationally, +33 when typed nationally', () => {
    // Réunion
    expect(normaliseFrenchPhone('+262 262 12 34 56')).toBe('+262262123456');
    expect(normaliseFrenchPhone('00262 692 12 34 56')).toBe('+262692123456');
    expect(normaliseFrenchPhone('+262 (0)6 92 12 34 56')).toBe('+262692123456');
    expect(normaliseFrenchPhone('0262 12 34 56')).toBe('+33262123456');
    // Mayotte shares +262
    expect(normaliseFrenchPhone('+262 269 61 23 45')).toBe('+262269612345');
    expect(normaliseFrenchPhone('+262 639 12 34 56')).toBe('+262639123456');
    expect(normaliseFrenchPhone('0639 12 34 56')).toBe('+33639123456');
    // Guadeloupe
    expect(normaliseFrenchPhone('+590 590 12 34 56')).toBe('+590590123456');
    expect(normaliseFrenchPhone('+590 690 12 34 56')).toBe('+590690123456');
    expect(normaliseFrenchPhone('0590 12 34 56')).toBe('+33590123456');
    expect(normaliseFrenchPhone('06.90.12.34.56')).toBe('+33690123456');
    // Martinique
    expect(normaliseFrenchPhone('+596 696 12 34 56')).toBe('+596696123456');
    expect(normaliseFrenchPhone('0596 12 34 56')).toBe('+33596123456');
    // Guyane
    expect(normaliseFrenchPhone('+594 694 12 34 56')).toBe('+594694123456');
    expect(normaliseFrenchPhone('0594-12-34-56')).toBe('+33594123456');
    // Too short or too long for the territory
    expect(normaliseFrenchPhone('+262 692 12 34')).toBeNull();
    expect(normaliseFrenchPhone('+590 690 12 34 56 78')).toBeNull();
    // The Pacific and Saint-Pierre-et-Miquelon, at their real lengths (libphonenumber-js metadata)
    expect(normaliseFrenchPhone('+508 41 12 34')).toBe('+508411234');
    expect(normaliseFrenchPhone('+687 12 34 56')).toBe('+687123456');
    expect(normaliseFrenchPhone('+687 123 456 7')).toBeNull();
    expect(normaliseFrenchPhone('+689 87 12 34 56')).toBe('+68987123456');
    // +269 is the Comoros, not Mayotte (+262): a foreign number
    expect(normaliseFrenchPhone('+269 321 23 45')).toBeNull();
  });

  it('refuses foreign numbers with the French message', () => {
    expect(normaliseFrenchPhone('+32 470 12 34 56')).toBeNull();
    expect(normaliseFrenchPhone('0032 2 123 45 67')).toBeNull();
    const r = registrationRequest.safeParse({
      kind: 'callback',
      idempotencyKey: key,
      firstName: 'Awa',
      phone: '+32 470 12 34 56',
    });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!).phone).toBe(
      'Le numéro de téléphone n’est pas un numéro français valide (exemple : 06 12 34 56 78).',
    );
  });

  it('refuses what is not typed as a phone number, even when digits can be read out of it', () => {
    for (const typed of [
      '6 12 34 56 78',
      '0612345678x',
      '06 12 34 56 7a',
      'tel:+33612345678',
      '06 12 34 56 78 ext 12',
      '06+12345678',
    ]) {
      expect(normaliseFrenchPhone(typed), typed).toBeNull();
    }
  });

  it('accepts a minimal call-back request: first name and phone', () => {
    const r = registrationRequest.parse({
      kind: 'callback',
      idempotencyKey: key,
      firstName: 'Awa',
      phone: '0612345678',
    });
    expect(r).toMatchObject({
      kind: 'callback',
      phone: '+33612345678',
      preferredContact: 'appel',
      source: { type: 'self' },
    });
  });

  it('gives French messages with dotted paths', () => {
    const r = registrationRequest.safeParse({
      kind: 'event',
      idempotencyKey: 'nope',
      firstName: ' ',
      lastName: '<script>',
      phone: '123',
      eventId: 'abc',
      preferredContact: 'email',
      needs: { transport: 'on' },
      source: { type: 'prescriber', name: '', organisation: 'France Travail', personConsent: false },
    });
    expect(r.success).toBe(false);
    const errors = fieldErrors(r.error!);
    expect(errors).toMatchObject({
      idempotencyKey: expect.stringContaining('Rechargez'),
      firstName: 'Indiquez votre prénom.',
      lastName: 'Les signes < et > ne sont pas acceptés.',
      phone: expect.stringContaining('numéro français'),
      'source.name': 'Indiquez votre nom.',
      'source.personConsent': expect.stringContaining('d’accord'),
    });
  });

  it('requires an email when email is the preferred contact', () => {
    const r = registrationRequest.safeParse({
      kind: 'callback',
      idempotencyKey: key,
      firstName: 'Awa',
      phone: '0612345678',
      preferredContact: 'email',
      email: '',
    });
    expect(fieldErrors(r.error!)).toEqual({
      email: 'Indiquez votre adresse e-mail pour être contacté·e par e-mail.',
    });
  });

  it('accepts « SMS et e-mail », with an email', () => {
    const base = {
      kind: 'callback',
      idempotencyKey: key,
      firstName: 'Awa',
      phone: '0612345678',
      preferredContact: 'sms-email',
    };
    expect(fieldErrors(registrationRequest.safeParse({ ...base, email: '' }).error!)).toEqual({
      email: 'Indiquez votre adresse e-mail pour être contacté·e par e-mail.',
    });
    const r = registrationRequest.safeParse({ ...base, email: 'awa@exemple.test' });
    expect(r.success && r.data.preferredContact).toBe('sms-email');
  });

  it('requires a commune and a project idea for individual support', () => {
    const r = registrationRequest.safeParse({
      kind: 'support',
      idempotencyKey: key,
      firstName: 'Awa',
      lastName: 'D',
      phone: '0612345678',
    });
    expect(Object.keys(fieldErrors(r.error!)).sort()).toEqual(['communeInsee', 'projectIdea']);
  });

  it('refuses an unknown kind in French', () => {
    const r = registrationRequest.safeParse({ kind: 'x' });
    expect(fieldErrors(r.error!)).toEqual({ kind: 'Type de demande inconnu.' });
  });
});
