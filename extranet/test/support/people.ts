import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { Browser, location } from './browser.ts';
import { eventRequest, intake, lastMailLink, uniquePhone } from './fixtures.ts';
import { DEMO_PASSWORD, type RunningServer } from './server.ts';

export const ADMIN = 'admin@maillage.test';
const ADVISOR = 'conseiller@maillage.test';
const GOOD_PASSWORD = 'une phrase de passe solide 42';

/** Admin invites someone; they set a password from the emailed link and sign in. */
export async function invite(
  server: RunningServer,
  admin: Browser,
  email: string,
  role: 'admin' | 'advisor',
  territories: string[],
): Promise<Browser> {
  const res = await admin.post('/admin/comptes?_action=accounts.invite', {
    name: `Test ${email}`,
    email,
    role,
    territories,
  });
  expect(res.status).toBe(303);
  const link = new URL(await lastMailLink(server.db, email, 'invitation'));
  const invited = new Browser(server.url);
  const path = link.pathname + link.search;
  expect((await invited.get(path)).status).toBe(200);
  expect(
    (
      await invited.post(`${path}&_action=auth.resetPassword`, {
        password: GOOD_PASSWORD,
        confirmation: GOOD_PASSWORD,
      })
    ).status,
  ).toBe(303);
  expect(location(await invited.signIn(email, GOOD_PASSWORD))).toContain('/demandes');
  return invited;
}

/** The demo admin, the demo advisor (Valenciennois, Douaisis) and an advisor of Cambrésis only. */
export async function signedInTeam(server: RunningServer) {
  const anonymous = new Browser(server.url);
  const admin = new Browser(server.url);
  const advisor = new Browser(server.url);
  expect(location(await admin.signIn(ADMIN, DEMO_PASSWORD))).toContain('/demandes');
  expect(location(await advisor.signIn(ADVISOR, DEMO_PASSWORD))).toContain('/demandes');
  const outsider = await invite(server, admin, `camb-${randomUUID().slice(0, 6)}@maillage.test`, 'advisor', [
    'cambresis',
  ]);
  return { anonymous, admin, advisor, outsider };
}

/** Sends `body` to the intake API, expects it stored (201); the stored request's reference and ids. */
export async function intakeRow(
  server: RunningServer,
  body: unknown,
): Promise<{ personId: number; registrationId: number; reference: string }> {
  const res = await intake(server.url, body);
  expect(res.status).toBe(201);
  const { reference } = (await res.json()) as { reference: string };
  const row = await server.db.db
    .selectFrom('registration')
    .select(['id', 'person_id'])
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  return { personId: row.person_id, registrationId: row.id, reference };
}

/** A person of the event's territory, created through the intake API; returns ids. */
export async function personFromIntake(
  server: RunningServer,
  eventId: string,
  extra: Record<string, unknown> = {},
) {
  return intakeRow(server, eventRequest(eventId, extra));
}

/** A support request from the site (Valenciennes), then its id. */
export async function supportRequest(server: RunningServer, firstName = 'Inès') {
  const { registrationId, personId } = await intakeRow(server, {
    kind: 'support',
    idempotencyKey: randomUUID(),
    firstName,
    lastName: `Projet-${randomUUID().slice(0, 6)}`,
    phone: uniquePhone(),
    preferredContact: 'appel',
    communeInsee: '59606',
    communeName: 'Valenciennes',
    projectIdea: 'Une épicerie solidaire itinérante.',
  });
  return { registrationId, personId };
}

/** The audit rows of an action on a record, oldest first (reads' journal settled first). */
export async function auditRows(server: RunningServer, action: string, entityId: number | string) {
  await server.settleAudit();
  return server.db.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('entity_id', '=', String(entityId))
    .orderBy('id')
    .execute();
}

/** The text of a page without its tags (what a reader sees), whitespace squeezed. */
export function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
