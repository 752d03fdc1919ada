import { createHash } from 'node:crypto';
import * as clock from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { DbKind } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { ensureUserWithPassword } from '../accounts/accounts.service.ts';
import type { Auth } from '../auth/auth.ts';
import { listEvents } from '../events/events.repository.ts';
import { isRegistrationOpen } from '../events/events.rules.ts';
import type { NotifySettings } from '../notifications/context.ts';
import { receiveRegistration } from '../registrations/intake.service.ts';
import { claimMarker, markerOf } from './demo.repository.ts';
import { seedDemoAppointments } from './followup-appointments.service.ts';
import { seedDemoFollowUp } from './followup-people.service.ts';
import { seedDemoFollowupSessions } from './followup-sessions.service.ts';
import { seedDemoHistory } from './history.service.ts';

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

/** What became of the demo registrations on one pass. */
export interface DemoRegistrationsResult {
  /** Registrations stored on this pass (a repeat of an earlier one counts too: it is idempotent). */
  arrived: number;
  /** Demo people still waiting for a session that takes registrations. */
  waiting: number;
  /** True once every demo person is registered: later passes do nothing. */
  done: boolean;
}

/**
 * A handful of received registrations on upcoming events that take registrations now. Called
 * after each copy of the events from the CMS, so they arrive whatever the order the apps started
 * in: until every demo person is registered, the next pass tries again, and each pass says in
 * the log what is still waiting. Idempotent: fixed idempotency keys derived from the person, and
 * a marker in app_state once all have arrived.
 */
export async function seedDemoRegistrations(
  db: Kysely<Database>,
  kind: DbKind,
  notify: NotifySettings,
  log: (message: string) => void = (m) => console.warn(m),
): Promise<DemoRegistrationsResult> {
  // The Parcours in progress (sessions follow-up), written again after every CMS refresh.
  await seedDemoFollowupSessions(db);
  // People followed in individual support, with notes and next actions (no event needed).
  await seedDemoFollowUp(db, DEMO_ADVISOR);
  // Their appointments: today, this week, and a few past ones (no status yet, no-show, excused).
  await seedDemoAppointments(db, DEMO_ADVISOR);
  // Past years for the indicators page (2022 as the project description tells it), written once,
  // before the inbox's requests: a test that sees those arrive sees a finished refresh.
  await seedDemoHistory(db, DEMO_ADVISOR);
  if (await markerOf(db, 'demo_registrations')) return { arrived: 0, waiting: 0, done: true };
  const at = clock.now();
  const events = (await listEvents(db, { upcomingOnly: true })).filter(
    (e) => !e.cancelled && e.kind !== 'information' && isRegistrationOpen(e, at),
  );
  if (!events.length) {
    log(
      `[démo] ${DEMO_PEOPLE.length} inscriptions de démonstration en attente : aucune session ouverte aux inscriptions dans la copie des sessions pour l’instant ; nouvel essai à la prochaine mise à jour des sessions.`,
    );
    return { arrived: 0, waiting: DEMO_PEOPLE.length, done: false };
  }
  let arrived = 0;
  const waiting: string[] = [];
  for (const [i, p] of DEMO_PEOPLE.entries()) {
    const event = events[i % events.length]!;
    try {
      await receiveRegistration(
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
          // Two of them by SMS (one with e-mail too): the demo's « SMS » page shows what they get.
          preferredContact:
            p.firstName === 'Sylvie'
              ? 'sms'
              : p.firstName === 'Mohamed'
                ? 'sms-email'
                : p.email
                  ? 'email'
                  : 'appel',
          source: { type: 'self' },
          acceptWaitlist: true,
        },
        { notify },
      );
      arrived++;
    } catch (error) {
      waiting.push(`${p.firstName} (« ${event.title} » : ${(error as Error).message})`);
    }
  }
  if (waiting.length > 0) {
    log(
      `[démo] ${waiting.length} inscription(s) de démonstration en attente, nouvel essai à la prochaine mise à jour des sessions : ${waiting.join(' ; ')}`,
    );
    return { arrived, waiting: waiting.length, done: false };
  }
  await claimMarker(db, 'demo_registrations', clock.now().toISOString());
  return { arrived, waiting: 0, done: true };
}
