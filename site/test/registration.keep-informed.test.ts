import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HONEYPOT_FIELD, issueStamp, STAMP_FIELD } from '../src/lib/registration/antibot.ts';
import { createIntakeClient } from '../src/lib/registration/intake.ts';
import { createRateLimiter } from '../src/lib/registration/rate-limit.ts';
import { deriveKey } from '../src/lib/registration/signing.ts';
import { type SubmitDeps, submitRegistration } from '../src/lib/registration/submit.ts';
import { type FakeIntake, PRESCRIBER_FIELDS, startFakeIntake } from './registration-helpers.ts';

// The professional form's "keep me informed at the end of the Parcours" box (issue 10, item 6).
const stampKey = deriveKey('secret', 'form-stamp');
let intake: FakeIntake;
let deps: SubmitDeps;

function professional(extra: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries({
    idempotencyKey: '0b6f3c2e-6a57-4a8e-9d0a-3f1f6e2b9c12',
    firstName: 'Nadia',
    lastName: 'Benali',
    phone: '06 12 34 56 78',
    commune: 'Caudry',
    preferredContact: 'appel',
    ...PRESCRIBER_FIELDS,
    ...extra,
  }))
    f.set(k, v);
  f.set(STAMP_FIELD, issueStamp(stampKey, Date.now() - 10_000));
  f.set(HONEYPOT_FIELD, '');
  return f;
}

beforeAll(async () => {
  intake = await startFakeIntake();
  deps = {
    stampKey,
    confirmationKey: deriveKey('secret', 'confirmation'),
    intake: createIntakeClient({ baseUrl: intake.url, token: intake.token, warn: () => {} }),
    attempts: createRateLimiter({ limit: 60, windowMs: 600_000 }),
    submissions: createRateLimiter({ limit: 20, windowMs: 600_000 }),
    clientAddress: '203.0.113.8',
    eventSlugOf: async () => 'parcours-caudry',
  };
});
afterAll(async () => {
  await intake.close();
});

describe('a professional asking to be kept informed', () => {
  it('sends keepInformed: true when the box is ticked, false otherwise', async () => {
    intake.reset();
    expect(
      (await submitRegistration(professional({ 'source.keepInformed': 'on' }), 'prescriber', deps)).outcome,
    ).toBe('done');
    expect(
      (
        await submitRegistration(
          professional({ idempotencyKey: '0b6f3c2e-6a57-4a8e-9d0a-3f1f6e2b9c13' }),
          'prescriber',
          deps,
        )
      ).outcome,
    ).toBe('done');
    expect(
      intake.requests.map((r) => (r as { source: { keepInformed: boolean } }).source.keepInformed),
    ).toEqual([true, false]);
  });
});
