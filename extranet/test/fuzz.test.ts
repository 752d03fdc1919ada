/**
 * Property-based tests (fast-check, issue 12 item 7): the registration contract, the intake
 * endpoint and the request page's forms (decision, contact) get generated input — near-valid
 * requests with hostile strings, and plain garbage. No input may yield a 500, a stored invalid
 * record, or an unhandled rejection (the server process must keep running and say nothing of it).
 */
import { randomUUID } from 'node:crypto';
import { registrationRequest } from '@maillage/contract';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './support/browser.ts';
import { addEvent, intake } from './support/fixtures.ts';
import { BACKENDS, DEMO_PASSWORD, type RunningServer, SERVICE_TOKEN, startServer } from './support/server.ts';

// Fixed seed: a failure is reproducible (fast-check prints the counterexample and its path).
const SEED = 1212;

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '<script>alert(1)</script>',
    "Robert'); DROP TABLE person;--",
    '%',
    '_',
    'é'.repeat(81),
    'x'.repeat(5000),
    '06 12 34 56 78',
    '+33612345678',
    '0033 6 12 34 56 78',
    'awa@exemple.test',
    '59606',
    '2A004',
    'on',
    'true',
    'null',
  ),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const anyValue = fc.oneof(
  hostile,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.anything({ maxDepth: 2 }),
);

/** Wild requests: every field present or not, each a plausible value or a hostile one. */
const wildArb = fc.record(
  {
    kind: fc.oneof(fc.constantFrom('event', 'support', 'callback'), anyValue),
    idempotencyKey: fc.oneof(
      fc.uuid().map(() => randomUUID()),
      anyValue,
    ),
    firstName: fc.oneof(fc.constantFrom('Awa', 'Zoé', 'Jean-Éric'), hostile, anyValue),
    lastName: maybe(fc.oneof(fc.constantFrom('Diallo', 'L’Hôte'), hostile)),
    phone: fc.oneof(
      fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `06${n}`),
      hostile,
      anyValue,
    ),
    email: maybe(fc.oneof(fc.emailAddress(), hostile)),
    preferredContact: maybe(fc.oneof(fc.constantFrom('appel', 'sms', 'email'), hostile)),
    communeInsee: maybe(fc.oneof(fc.constantFrom('59606', '59178', '2A004'), hostile)),
    communeName: maybe(hostile),
    eventId: maybe(fc.oneof(fc.constant('ev-fuzz'), hostile)),
    acceptWaitlist: maybe(fc.oneof(fc.boolean(), hostile)),
    projectIdea: maybe(hostile),
    message: maybe(hostile),
    situation: maybe(
      fc.oneof(
        fc.record({ rsa: fc.oneof(fc.constantFrom('oui', 'non'), hostile), jobSeeker: hostile }),
        anyValue,
      ),
    ),
    needs: maybe(
      fc.oneof(fc.record({ transport: anyValue, childcare: anyValue, details: hostile }), anyValue),
    ),
    source: maybe(
      fc.oneof(
        fc.constant({ type: 'self' }),
        fc.record({
          type: fc.constantFrom('prescriber', 'self', 'other'),
          name: hostile,
          organisation: hostile,
          phone: hostile,
          email: hostile,
          personConsent: anyValue,
        }),
        anyValue,
      ),
    ),
  },
  { requiredKeys: [] },
);

const grapheme = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max });
/** Requests that are mostly valid, with free text anywhere it is allowed (they reach the database). */
const plausibleArb = fc
  .record({
    kind: fc.constantFrom('event', 'support', 'callback'),
    firstName: grapheme(80),
    lastName: grapheme(80),
    phone: fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => `07${n}`),
    email: maybe(fc.emailAddress()),
    preferredContact: fc.constantFrom('appel', 'sms'),
    communeName: maybe(grapheme(100)),
    message: maybe(fc.oneof(hostile, grapheme(2000))),
    projectIdea: grapheme(300),
    acceptWaitlist: fc.boolean(),
  })
  .map(({ projectIdea, acceptWaitlist, ...r }) => ({
    ...r,
    idempotencyKey: randomUUID(),
    ...(r.kind === 'event' ? { eventId: 'ev-fuzz', acceptWaitlist } : {}),
    ...(r.kind === 'support' ? { communeInsee: '59606', projectIdea } : {}),
  }));
const requestArb = fc.oneof({ arbitrary: plausibleArb, weight: 2 }, { arbitrary: wildArb, weight: 3 });

describe('the registration contract', () => {
  it('never throws, and accepts again, unchanged, what it accepted', () => {
    fc.assert(
      fc.property(fc.oneof(requestArb, anyValue), (input) => {
        const first = registrationRequest.safeParse(input);
        if (!first.success) {
          // Every refusal says what to fix, in French, at a path of the request.
          for (const issue of first.error.issues) expect(issue.message.length).toBeGreaterThan(0);
          return;
        }
        const again = registrationRequest.safeParse(first.data);
        expect(again.success).toBe(true);
        expect(again.data).toEqual(first.data);
        expect(first.data.phone).toMatch(/^\+\d{8,15}$/);
      }),
      { numRuns: 2_000, seed: SEED },
    );
  });
});

describe.each(BACKENDS)('generated input through the server on %s', (backend) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(backend);
    await addEvent(server.db, 'ev-fuzz', 'valenciennois', 30);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const alive = () => {
    expect(server.logs()).not.toMatch(/Unhandled|unhandledRejection|TypeError|ReferenceError/);
  };

  it('answers the intake API with 200, 201, 400 or 409 — never a 500 — and stores only valid records', async () => {
    const bodies: string[] = [
      ...fc.sample(requestArb, { numRuns: 250, seed: SEED }).map((b) => JSON.stringify(b)),
      ...fc.sample(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), { numRuns: 50, seed: SEED }),
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < bodies.length; i += 10) {
      const answers = await Promise.all(
        bodies.slice(i, i + 10).map((body) =>
          fetch(new URL('/api/intake/registrations', server.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_TOKEN}` },
            body,
          }),
        ),
      );
      for (const res of answers) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const json = (await res.json()) as { error?: string; fieldErrors?: Record<string, string> };
        expect([200, 201, 400, 409], JSON.stringify(json)).toContain(res.status);
        if (res.status === 400) expect(Object.values(json.fieldErrors ?? {}).length).toBeGreaterThan(0);
      }
    }
    // The generator does reach the database, not only the validation.
    expect(statuses.get(201) ?? 0).toBeGreaterThan(10);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(10);

    const stored = await server.db.db
      .selectFrom('registration')
      .innerJoin('person', 'person.id', 'registration.person_id')
      .select([
        'registration.kind',
        'registration.status',
        'registration.contact_first_name',
        'registration.contact_phone',
        'registration.contact_email',
        'person.first_name',
        'person.phone',
      ])
      .execute();
    expect(stored.length).toBe(statuses.get(201));
    for (const r of stored) {
      expect(['event', 'support', 'callback']).toContain(r.kind);
      expect(['received', 'waitlisted']).toContain(r.status);
      expect(r.phone).toMatch(/^\+\d{8,15}$/);
      expect(r.contact_phone).toMatch(/^\+\d{8,15}$/);
      expect(r.first_name.trim().length).toBeGreaterThan(0);
      expect(r.first_name.length).toBeLessThanOrEqual(80);
      if (r.contact_email) expect(r.contact_email).toMatch(/^[^\s@]+@[^\s@]+$/);
    }
    alive();
  });

  it('answers the request page’s decision and contact forms with a page or a redirect, never a 500', async () => {
    const created = await intake(server.url, {
      kind: 'event',
      eventId: 'ev-fuzz',
      idempotencyKey: randomUUID(),
      firstName: 'Fuzz',
      lastName: 'Décision',
      phone: '0699887766',
    });
    expect([200, 201]).toContain(created.status);
    const { reference } = (await created.json()) as { reference: string };
    const { id } = await server.db.db
      .selectFrom('registration')
      .select('id')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const browser = new Browser(server.url);
    await browser.signIn('admin@maillage.test', DEMO_PASSWORD);
    const field = fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }));
    const forms = fc.sample(
      fc.record(
        {
          action: fc.oneof(
            fc.constantFrom(
              'registrations.confirmContact',
              'registrations.attachContact',
              'registrations.decide',
            ),
            hostile,
          ),
          registration: fc.oneof(fc.constant(String(id)), fc.integer().map(String), hostile),
          decision: fc.oneof(fc.constantFrom('accept', 'waitlist', 'decline', 'cancel'), hostile),
          reason: field,
          expected: fc.oneof(fc.constantFrom('received', 'accepted'), hostile),
          person: fc.oneof(fc.integer({ min: -5, max: 3_000_000_000 }).map(String), hostile),
          target: fc.oneof(fc.constant('new'), fc.integer().map(String), hostile),
        },
        { requiredKeys: [] },
      ),
      { numRuns: 120, seed: SEED },
    );
    const paths = [`/demandes/${id}`, '/demandes/0', '/demandes/99999999999', `/demandes/${id}x`];
    for (const [i, { action, ...form }] of forms.entries()) {
      const path = `${paths[i % paths.length]}?${new URLSearchParams({ _action: String(action ?? '') })}`;
      const res = await browser.post(path, form as Record<string, string | string[]>);
      expect([200, 303, 400, 404, 409], `${path} ${JSON.stringify(form)} → ${res.status}`).toContain(
        res.status,
      );
      await res.text();
    }
    // Whatever was posted, the registration is in a state the decision rules allow.
    const after = await server.db.db
      .selectFrom('registration')
      .select(['status', 'decision_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(['received', 'accepted', 'waitlisted', 'declined', 'cancelled']).toContain(after.status);
    if (after.status === 'declined') expect((after.decision_reason ?? '').trim().length).toBeGreaterThan(0);
    alive();
  });
});
