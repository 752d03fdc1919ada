import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkStamp,
  HONEYPOT_FIELD,
  issueStamp,
  MIN_FILL_MS,
  STAMP_FIELD,
} from '../src/lib/registration/antibot.ts';
import type { FormKind } from '../src/lib/registration/fields.ts';
import { resolveCommune } from '../src/lib/registration/fields.ts';
import { createIntakeClient } from '../src/lib/registration/intake.ts';
import { createRateLimiter, ipKey } from '../src/lib/registration/rate-limit.ts';
import { deriveKey } from '../src/lib/registration/signing.ts';
import {
  type SubmitDeps,
  type SubmitResult,
  submitRegistration,
  TOO_FAST,
} from '../src/lib/registration/submit.ts';
import { readConfirmation, signConfirmation } from '../src/lib/registration/token.ts';
import { type FakeIntake, PRESCRIBER_FIELDS, startFakeIntake } from './registration-helpers.ts';

const stampKey = deriveKey('secret', 'form-stamp');
const confirmationKey = deriveKey('secret', 'confirmation');
let intake: FakeIntake;
let deps: SubmitDeps;

const KEY = '0b6f3c2e-6a57-4a8e-9d0a-3f1f6e2b9c11';

function valid(kind: FormKind): Record<string, string> {
  const base: Record<string, string> = {
    idempotencyKey: KEY,
    firstName: 'Nadia',
    lastName: 'Benali',
    phone: '06 12 34 56 78',
    email: '',
    commune: 'Caudry',
    'situation.rsa': 'oui',
    'situation.jobSeeker': 'non',
    preferredContact: 'appel',
  };
  if (kind === 'event') Object.assign(base, { eventId: 'evt123abc', eventSlug: 'parcours-caudry' });
  if (kind === 'support') base.projectIdea = 'Ouvrir une épicerie solidaire à Caudry.';
  if (kind === 'prescriber') {
    Object.assign(base, PRESCRIBER_FIELDS);
  }
  return base;
}

function formData(
  values: Record<string, string>,
  stamp = issueStamp(stampKey, Date.now() - 10_000),
): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  f.set(STAMP_FIELD, stamp);
  f.set(HONEYPOT_FIELD, '');
  return f;
}

function retry(result: SubmitResult) {
  if (result.outcome !== 'retry') throw new Error(`expected the form again, got ${result.outcome}`);
  return result;
}

beforeAll(async () => {
  intake = await startFakeIntake();
});
afterAll(async () => {
  await intake.close();
});
beforeEach(() => {
  intake.reset();
  deps = {
    stampKey,
    confirmationKey,
    intake: createIntakeClient({ baseUrl: intake.url, token: intake.token, warn: () => {} }),
    attempts: createRateLimiter({ limit: 60, windowMs: 600_000 }),
    submissions: createRateLimiter({ limit: 20, windowMs: 600_000 }),
    clientAddress: '203.0.113.7',
    eventSlugOf: async (id) => (id === 'evt123abc' ? 'parcours-caudry' : undefined),
  };
});

describe('a valid form', () => {
  it('reaches the extranet once, as a self registration validated by the contract, and gives a confirmation token', async () => {
    const result = await submitRegistration(formData(valid('event')), 'event', deps);
    expect(result.outcome).toBe('done');
    expect(intake.requests).toHaveLength(1);
    const sent = intake.requests[0] as Record<string, unknown>;
    expect(sent).toMatchObject({
      kind: 'event',
      eventId: 'evt123abc',
      firstName: 'Nadia',
      phone: '+33612345678',
      communeInsee: '59139',
      communeName: 'Caudry',
      situation: { rsa: 'oui', jobSeeker: 'non' },
      source: { type: 'self' },
    });
    expect(sent).not.toHaveProperty('eventSlug');
    if (result.outcome !== 'done') throw new Error();
    const confirmation = readConfirmation(confirmationKey, result.token);
    expect(confirmation).toMatchObject({
      r: 'MAI-2026-000001',
      s: 'received',
      k: 'event',
      e: 'parcours-caudry',
      c: 'appel',
    });
  });

  it('keeps the same key for the same request, and a new one for another person or session', async () => {
    await submitRegistration(formData(valid('event')), 'event', deps);
    await submitRegistration(formData(valid('event')), 'event', deps);
    await submitRegistration(formData({ ...valid('event'), phone: '07 11 22 33 44' }), 'event', deps);
    await submitRegistration(formData({ ...valid('event'), eventId: 'other-event' }), 'event', deps);
    const keys = intake.requests.map((r) => r.idempotencyKey as string);
    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(3);
    for (const k of keys) expect(z.uuid().safeParse(k).success).toBe(true);
  });

  it('ignores a "source" smuggled into a self-registration form', async () => {
    const values = { ...valid('callback'), 'source.name': 'Faux', 'source.personConsent': 'on' };
    await submitRegistration(formData(values), 'callback', deps);
    expect((intake.requests[0] as { source: unknown }).source).toEqual({ type: 'self' });
  });

  it('accepts a call-back request with only a first name and a phone number', async () => {
    const result = await submitRegistration(
      formData({ idempotencyKey: KEY, firstName: 'Jo', phone: '0612345678', preferredContact: 'appel' }),
      'callback',
      deps,
    );
    expect(result.outcome).toBe('done');
  });

  it('sends a professional’s request with their details and the person’s consent', async () => {
    const result = await submitRegistration(formData(valid('prescriber')), 'prescriber', deps);
    expect(result.outcome).toBe('done');
    expect(intake.requests[0]).toMatchObject({
      kind: 'event',
      source: {
        type: 'prescriber',
        name: 'Paul Martin',
        organisation: 'France Travail Cambrai',
        personConsent: true,
      },
    });
    if (result.outcome !== 'done') throw new Error();
    expect(readConfirmation(confirmationKey, result.token)).toMatchObject({ p: 1, e: 'parcours-caudry' });
  });
});

describe('every field is checked, in French, and nothing is stored', () => {
  const long = (n: number) => 'a'.repeat(n);
  const cases: Array<[FormKind, string, string, RegExp]> = [
    ['event', 'firstName', '', /Indiquez votre prénom/],
    ['event', 'firstName', long(81), /Prénom : 80 caractères au maximum/],
    ['event', 'firstName', '<script>alert(1)</script>', /Les signes < et > ne sont pas acceptés/],
    ['event', 'lastName', '', /Indiquez votre nom/],
    ['event', 'lastName', long(81), /80 caractères au maximum/],
    ['event', 'lastName', '<img src=x onerror=alert(1)>', /ne sont pas acceptés/],
    ['event', 'phone', '', /Indiquez votre numéro de téléphone/],
    ['event', 'phone', '12345', /n’est pas un numéro français valide/],
    ['event', 'phone', '06 12 34 56 78 90 12 34 56 78 90 12 34', /trop long/],
    ['event', 'phone', '<script>', /n’est pas un numéro français valide/],
    ['event', 'email', 'nadia@', /L’adresse e-mail n’est pas valide/],
    ['event', 'email', `${long(250)}@x.fr`, /trop longue|pas valide/],
    ['event', 'commune', 'Zzzzville', /Nous ne trouvons pas cette commune/],
    ['event', 'commune', long(101), /100 caractères au maximum/],
    ['event', 'situation.rsa', 'peut-être', /Choisissez « oui », « non »/],
    ['event', 'preferredContact', 'pigeon', /Choisissez comment vous préférez être contacté·e/],
    ['event', 'message', long(2001), /2000 caractères au maximum/],
    ['event', 'message', '<b>bonjour</b>', /ne sont pas acceptés/],
    ['event', 'needs.details', '<script>x</script>', /ne sont pas acceptés/],
    ['event', 'eventId', '', /Choisissez une session/],
    ['support', 'projectIdea', '', /Décrivez votre idée de projet/],
    ['support', 'projectIdea', long(2001), /2000 caractères au maximum/],
    ['support', 'commune', '', /Indiquez votre commune/],
    ['callback', 'firstName', '', /Indiquez votre prénom/],
    ['callback', 'phone', 'zéro six', /n’est pas un numéro français valide/],
    ['prescriber', 'source.name', '', /Indiquez votre nom/],
    ['prescriber', 'source.organisation', '', /Indiquez votre structure/],
    ['prescriber', 'source.personConsent', '', /Confirmez que la personne est d’accord/],
    ['prescriber', 'source.email', '', /Indiquez votre téléphone ou votre e-mail/],
    ['prescriber', 'request', '', /Choisissez ce que vous demandez/],
  ];

  it.each(cases)('%s form, %s = %j', async (kind, field, value, message) => {
    const values = { ...valid(kind), [field]: value };
    if (value === '') delete values[field];
    const result = retry(await submitRegistration(formData(values), kind, deps));
    const shownOn = field === 'source.email' ? 'source.phone' : field;
    expect(result.errors[shownOn]).toMatch(message);
    expect(intake.requests).toHaveLength(0);
    // What was typed comes back to be shown again (a too-long value is cut at 5000 characters).
    for (const [k, v] of Object.entries(values)) expect(result.values[k]).toBe(v.slice(0, 5000));
    expect(result.values.idempotencyKey).toBe(KEY);
  });

  it('asks for an email when email is the chosen way to be contacted', async () => {
    const result = retry(
      await submitRegistration(formData({ ...valid('event'), preferredContact: 'email' }), 'event', deps),
    );
    expect(result.errors.email).toMatch(/Indiquez votre adresse e-mail/);
    expect(intake.requests).toHaveLength(0);
  });

  it('shows the extranet’s own field errors next to the field', async () => {
    intake.mode = 'invalid-phone';
    const result = retry(await submitRegistration(formData(valid('event')), 'event', deps));
    expect(result.errors.phone).toMatch(/numéro français/);
  });
});

describe('bots', () => {
  it('a filled honeypot gets the neutral page and nothing is sent', async () => {
    const f = formData(valid('event'));
    f.set(HONEYPOT_FIELD, 'http://spam.example');
    expect((await submitRegistration(f, 'event', deps)).outcome).toBe('neutral');
    expect(intake.requests).toHaveLength(0);
  });

  it('a form sent faster than the minimum fill time comes back, answers kept, to confirm; sent again, it goes through', async () => {
    const stamp = issueStamp(stampKey, Date.now() - 500);
    const result = retry(await submitRegistration(formData(valid('event'), stamp), 'event', deps));
    expect(result.notice).toBe(TOO_FAST);
    expect(result.errors).toEqual({});
    expect(result.values.firstName).toBe('Nadia');
    expect(result.values.phone).toBe(valid('event').phone);
    expect(intake.requests).toHaveLength(0);
    // The person confirms a few seconds later with the same form (same stamp): it is sent.
    const again = await submitRegistration(formData(valid('event'), result.stamp), 'event', {
      ...deps,
      now: Date.now() + MIN_FILL_MS,
    });
    expect(again.outcome).toBe('done');
    expect(intake.requests).toHaveLength(1);
  });

  it('a missing or forged timestamp gets the neutral page', async () => {
    const forged = `${Date.now() - 60_000}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    for (const stamp of [
      '',
      forged,
      issueStamp(deriveKey('other-secret', 'form-stamp'), Date.now() - 60_000),
    ]) {
      expect((await submitRegistration(formData(valid('event'), stamp), 'event', deps)).outcome).toBe(
        'neutral',
      );
    }
    expect(intake.requests).toHaveLength(0);
  });

  it('a day-old form is shown again with a fresh timestamp, answers kept', async () => {
    const result = retry(
      await submitRegistration(
        formData(valid('event'), issueStamp(stampKey, Date.now() - 25 * 3600_000)),
        'event',
        deps,
      ),
    );
    expect(result.notice).toMatch(/ouverte depuis longtemps/);
    expect(checkStamp(stampKey, result.stamp, Date.now() + MIN_FILL_MS)).toBe('ok');
    expect(result.values.firstName).toBe('Nadia');
    expect(intake.requests).toHaveLength(0);
  });

  it('limits submissions per IP address (IPv6 by /64) and sends nothing over the limit', async () => {
    deps.submissions = createRateLimiter({ limit: 2, windowMs: 600_000 });
    deps.clientAddress = '2001:db8:1:2::10';
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      deps.clientAddress = `2001:db8:1:2::${i + 10}`;
      const values = { ...valid('callback'), idempotencyKey: KEY.replace(/1$/, String(i + 2)) };
      outcomes.push((await submitRegistration(formData(values), 'callback', deps)).outcome);
    }
    expect(outcomes).toEqual(['done', 'done', 'rate-limited']);
    expect(intake.requests).toHaveLength(2);
    deps.clientAddress = '2001:db8:1:3::10'; // another /64
    expect((await submitRegistration(formData(valid('callback')), 'callback', deps)).outcome).toBe('done');
  });

  it('groups IPv6 addresses by /64 and keeps IPv4 as is', () => {
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe(ipKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(ipKey('2001:db8:1:2::1')).not.toBe(ipKey('2001:db8:1:3::1'));
    expect(ipKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('sessions that are full or closed, and an extranet that is down', () => {
  it('offers the waiting list explicitly when the session is full, then registers on it', async () => {
    intake.mode = 'full';
    const first = retry(await submitRegistration(formData(valid('event')), 'event', deps));
    expect(first.full).toBe(true);
    expect(first.errors.acceptWaitlist).toMatch(/liste d’attente/);
    const second = await submitRegistration(
      formData({ ...valid('event'), acceptWaitlist: 'on' }),
      'event',
      deps,
    );
    expect(second.outcome).toBe('done');
    if (second.outcome !== 'done') throw new Error();
    expect(readConfirmation(confirmationKey, second.token)?.s).toBe('waitlisted');
  });

  it('says so when registrations are closed', async () => {
    intake.mode = 'closed';
    const result = retry(await submitRegistration(formData(valid('event')), 'event', deps));
    expect(result.closed).toBe(true);
  });

  it('keeps every answer and says what to do when the extranet does not answer (after one harmless retry)', async () => {
    intake.mode = 'down';
    const result = retry(await submitRegistration(formData(valid('event')), 'event', deps));
    expect(result.notice).toMatch(/n’a pas pu être enregistrée/);
    expect(result.values.firstName).toBe('Nadia');
    expect(result.values.idempotencyKey).toBe(KEY);
    expect(intake.requests).toHaveLength(2);
    expect(intake.requests[0]?.idempotencyKey).toBe(intake.requests[1]?.idempotencyKey);
  });
});

describe('commune field', () => {
  it('finds a commune by name or by a postcode with a single commune', () => {
    expect(resolveCommune('Caudry', undefined, true)).toMatchObject({ ok: true, commune: { code: '59139' } });
    expect(resolveCommune('orchies', undefined, true)).toMatchObject({
      ok: true,
      commune: { code: '59449' },
    });
  });

  it('offers a choice when a postcode covers several communes, and takes the choice', () => {
    const r = resolveCommune('59400', undefined, true);
    expect(r.ok).toBe(false);
    if (r.ok) throw new Error();
    expect(r.choices.map((c) => c.nom)).toContain('Cambrai');
    expect(resolveCommune('59400', '59122', true)).toMatchObject({ ok: true, commune: { nom: 'Cambrai' } });
  });

  it('is optional where the contract says so', () => {
    expect(resolveCommune('', undefined, false)).toEqual({ ok: true, commune: null });
  });
});

describe('confirmation token', () => {
  it('carries the « SMS et e-mail » channel', () => {
    const token = signConfirmation(confirmationKey, {
      r: 'MAI-2026-000124',
      s: 'received',
      k: 'event',
      c: 'sms-email',
    });
    expect(readConfirmation(confirmationKey, token)?.c).toBe('sms-email');
  });

  it('carries the reference only and cannot be forged or reused for long', () => {
    const now = Date.now();
    const token = signConfirmation(
      confirmationKey,
      { r: 'MAI-2026-000123', s: 'received', k: 'event', e: 'parcours-caudry' },
      now,
    );
    expect(readConfirmation(confirmationKey, token, now)?.r).toBe('MAI-2026-000123');
    expect(readConfirmation(confirmationKey, `${token.slice(0, -2)}xx`, now)).toBeNull();
    expect(readConfirmation(deriveKey('other', 'confirmation'), token, now)).toBeNull();
    expect(readConfirmation(confirmationKey, token, now + 7 * 3600_000)).toBeNull();
    const decoded = Buffer.from(token.split('.')[0] ?? '', 'base64url').toString();
    expect(Object.keys(JSON.parse(decoded)).sort()).toEqual(['e', 'k', 'r', 's', 'x']);
  });
});
