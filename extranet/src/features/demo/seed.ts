import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { ensureUserWithPassword } from '../accounts/accounts.service.ts';
import type { Auth } from '../auth/auth.ts';
import { listEvents } from '../events/events.repository.ts';
import { submitRegistration } from '../registrations/intake.service.ts';

/** A stable UUID-shaped key (version 4 layout) derived from a demo person. */
function demoKey(seed: string): string {
  const h = createHash('sha256').update(`maillage-demo:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const DEMO_ADMIN = 'admin@maillage.test';
export const DEMO_ADVISOR = 'conseiller@maillage.test';

/** Demo accounts (never in production). Idempotent. */
export async function seedDemoAccounts(
  db: Kysely<Database>,
  kind: DbKind,
  auth: Auth,
  password: string,
): Promise<void> {
  await ensureUserWithPassword(db, kind, auth, {
    email: DEMO_ADMIN,
    name: 'Camille Admin',
    role: 'admin',
    territories: [],
    password,
  });
  await ensureUserWithPassword(db, kind, auth, {
    email: DEMO_ADVISOR,
    name: 'Sam Conseiller',
    role: 'advisor',
    territories: ['valenciennois', 'douaisis'],
    password,
  });
}

/** The demo people (exported for the test that checks no log line holds their details). */
export const DEMO_PEOPLE = [
  {
    firstName: 'Nadia',
    lastName: 'Benali',
    phone: '0611223344',
    rsa: 'oui',
    email: 'nadia.benali@exemple.test',
  },
  { firstName: 'Kevin', lastName: 'Lefebvre', phone: '0622334455', rsa: 'non', email: undefined },
  { firstName: 'Sylvie', lastName: 'Dubois', phone: '0633445566', rsa: 'oui', email: undefined },
  {
    firstName: 'Mohamed',
    lastName: 'Haddad',
    phone: '0644556677',
    rsa: 'ne-se-prononce-pas',
    email: 'm.haddad@exemple.test',
  },
  { firstName: 'Julie', lastName: 'Martin', phone: '0655667788', rsa: 'oui', email: undefined },
  { firstName: 'Bruno', lastName: 'Lemaire', phone: '0666778899', rsa: 'non', email: undefined },
] as const;

/**
 * A handful of received registrations on upcoming events, once the events copy has events.
 * Idempotent: fixed idempotency keys derived from the person, and a marker in app_state.
 */
export async function seedDemoRegistrations(
  db: Kysely<Database>,
  kind: DbKind,
  extranetUrl: string,
): Promise<number> {
  const done = await db
    .selectFrom('app_state')
    .select('value')
    .where('key', '=', 'demo_registrations')
    .executeTakeFirst();
  if (done) return 0;
  const events = (await listEvents(db, { upcomingOnly: true })).filter(
    (e) => !e.cancelled && e.kind !== 'information',
  );
  if (!events.length) return 0;
  let n = 0;
  for (const [i, p] of DEMO_PEOPLE.entries()) {
    const event = events[i % events.length]!;
    try {
      await submitRegistration(
        db,
        kind,
        {
          kind: 'event',
          // Fixed per demo person: a seeding interrupted half-way and run again adds nothing twice.
          idempotencyKey: demoKey(p.phone),
          eventId: event.document_id,
          firstName: p.firstName,
          lastName: p.lastName,
          phone: `+33${p.phone.slice(1)}`,
          email: p.email,
          situation: { rsa: p.rsa, jobSeeker: 'oui' },
          needs: { transport: i % 2 === 0, childcare: i % 3 === 0, accessibility: false },
          preferredContact: p.email ? 'email' : 'appel',
          source: { type: 'self' },
          acceptWaitlist: true,
        },
        { extranetUrl },
      );
      n++;
    } catch (error) {
      console.warn('[démo] inscription de démonstration ignorée :', (error as Error).message);
    }
  }
  await db
    .insertInto('app_state')
    .values({ key: 'demo_registrations', value: new Date().toISOString() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  return n;
}
