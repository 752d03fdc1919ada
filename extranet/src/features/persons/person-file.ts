import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.repository.ts';
import type { Viewer } from '../auth/viewer.ts';
import { PersonNotFoundError, personScope } from './persons.scope.ts';

/** A person's file for the viewer, or PersonNotFoundError. Every read is written to the audit log. */
export async function getPersonFile(db: Kysely<Database>, viewer: Viewer, personId: number) {
  const person = await db
    .selectFrom('person')
    .selectAll()
    .where('id', '=', personId)
    .where(personScope(viewer))
    .executeTakeFirst();
  if (!person) throw new PersonNotFoundError();
  // Independent reads, in parallel (one round trip's wait on PostgreSQL instead of four).
  const [, supports, authors, openRegistrations] = await Promise.all([
    audit(db, {
      actorId: viewer.id,
      action: 'person.read',
      entityType: 'person',
      entityId: person.id,
      personId: person.id,
    }),
    db
      .selectFrom('support')
      .leftJoin('users', 'users.id', 'support.advisor_id')
      .select([
        'support.id',
        'support.phase',
        'support.started_at',
        'support.ended_at',
        'support.outcome',
        'support.activity_name',
        'support.end_reason',
        'support.advisor_id',
        'support.registration_id',
        'users.name as advisor_name',
      ])
      .where('support.person_id', '=', person.id)
      .orderBy('support.id', 'desc')
      .execute(),
    // Who follows them: the advisors in charge of an open support, then the recent note authors.
    db
      .selectFrom('note')
      .innerJoin('users', 'users.id', 'note.author_id')
      .select(['users.id', 'users.name'])
      .where('note.person_id', '=', person.id)
      .groupBy(['users.id', 'users.name'])
      .orderBy(sql`max(note.occurred_at)`, 'desc')
      .limit(5)
      .execute(),
    db
      .selectFrom('registration')
      .select(['id', 'reference', 'kind', 'status'])
      .where('person_id', '=', person.id)
      .where('kind', '=', 'support')
      .where('status', '=', 'accepted')
      .execute(),
  ]);
  const followers = new Map<string, { name: string; role: string }>();
  for (const s of supports)
    if (!s.ended_at && s.advisor_id && s.advisor_name)
      followers.set(s.advisor_id, { name: s.advisor_name, role: 'en charge de l’accompagnement' });
  for (const a of authors)
    if (!followers.has(a.id)) followers.set(a.id, { name: a.name, role: 'a écrit des notes' });
  return { person, supports, followers: [...followers.values()], supportRequests: openRegistrations };
}
