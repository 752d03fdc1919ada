import { describe, expect, it } from 'vitest';
import { fieldErrors, normaliseFrenchPhone, registrationRequest } from '../src/contract/index.ts';

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
