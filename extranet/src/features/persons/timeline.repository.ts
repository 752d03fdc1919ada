import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';

/** One row of the timeline's single query: its source, id, and the source's columns in order. */
export interface SourceRow {
  src: 'r' | 'd' | 'a' | 'p' | 'e' | 'n' | 'm' | 'c' | 'v' | 's';
  id: number;
  i1: number | null;
  c1: string | null;
  c2: string | null;
  c3: string | null;
  c4: string | null;
  c5: string | null;
  c6: string | null;
  c7: string | null;
}

const DECISIONS = [
  'registration.accept',
  'registration.waitlist',
  'registration.decline',
  'registration.cancel',
];
const MESSAGES_TO_THE_PERSON = ['receipt', 'decision', 'reminder'];
/** What changed an appointment after its booking (the booking is the appointment row itself). */
const APPOINTMENT_CHANGES = [
  'appointment.status',
  'appointment.change',
  'appointment.cancel',
  'appointment.cancel-by-person',
];

/**
 * The timeline's single query: each source (requests, decisions, attendance, support phases and
 * ends, notes, messages, calls, appointments and their changes) a branch of a UNION ALL, each on its index, each giving its newest
 * `n` rows. One query, not eight: the person file is what advisors open most, and eight round
 * trips per view queued behind each other under load. Rows come unordered (timeline.view.ts sorts).
 */
export async function timelineRows(db: Kysely<Database>, personId: number, n: number): Promise<SourceRow[]> {
  const int = sql`cast(null as integer)`;
  const text = sql`cast(null as text)`;
  const { rows } = await sql<SourceRow>`
    select * from (
      select 'r' as src, r.id as id, ${int} as i1, r.reference as c1, r.kind as c2, r.created_at as c3,
        r.source_type as c4, e.title as c5, ${text} as c6, ${text} as c7
      from registration r left join event_copy e on e.document_id = r.event_id
      where r.person_id = ${personId} order by r.created_at desc limit ${n}) as requests
    union all select * from (
      select 'd', a.id, ${int}, a.at, a.action, a.entity_id, u.name, ${text}, ${text}, ${text}
      from audit_log a left join users u on u.id = a.actor_id
      where a.person_id = ${personId} and a.action in (${sql.join(DECISIONS)})
      order by a.id desc limit ${n}) as decisions
    union all select * from (
      select 'a', t.id, ${int}, t.slot_date, t.slot_start, t.status, t.recorded_at, e.title, ${text}, ${text}
      from attendance t inner join registration r on r.id = t.registration_id
        left join event_copy e on e.document_id = r.event_id
      where r.person_id = ${personId} order by t.slot_date desc limit ${n}) as attendance
    union all select * from (
      select 'p', ph.id, ph.support_id, ph.phase, ph.started_on, u.name, ${text}, ${text}, ${text}, ${text}
      from support_phase ph inner join support s on s.id = ph.support_id
        left join users u on u.id = ph.changed_by
      where s.person_id = ${personId} order by ph.started_on desc limit ${n}) as phases
    union all select * from (
      select 'e', s.id, ${int}, s.ended_at, s.outcome, s.activity_name, s.end_reason, ${text}, ${text}, ${text}
      from support s where s.person_id = ${personId} and s.ended_at is not null) as ends
    union all select * from (
      select 'n', o.id, case when o.occurred_time is null then 0 else 1 end, o.kind, o.occurred_at, o.body, o.next_action, o.due_at, o.done_at, u.name
      from note o left join users u on u.id = o.author_id
      where o.person_id = ${personId} order by o.occurred_at desc limit ${n}) as notes
    union all select * from (
      select 'm', x.id, ${int}, x.subject, x.status, x.sent_at, x.created_at, ${text}, ${text}, ${text}
      from outbox x inner join registration r on r.id = x.registration_id
      where r.person_id = ${personId} and x.kind in (${sql.join(MESSAGES_TO_THE_PERSON)})
      order by x.id desc limit ${n}) as messages
    union all select * from (
      select 'c', x.id, ${int}, x.channel, x.outcome, x.handled_at, u.name, ${text}, ${text}, ${text}
      from notification x inner join registration r on r.id = x.registration_id
        left join users u on u.id = x.handled_by
      where r.person_id = ${personId} and x.handled_at is not null
      order by x.handled_at desc limit ${n}) as calls
    union all select * from (
      select 'v', v.id, ${int}, v.created_at, v.starts_at, v.place_kind, v.status, u.name, ${text}, ${text}
      from appointment v left join users u on u.id = v.advisor_id
      where v.person_id = ${personId} order by v.created_at desc limit ${n}) as appointments
    union all select * from (
      select 's', a.id, ${int}, a.at, a.action, a.entity_id, a.details_json, u.name, ${text}, ${text}
      from audit_log a left join users u on u.id = a.actor_id
      where a.person_id = ${personId} and a.action in (${sql.join(APPOINTMENT_CHANGES)})
      order by a.id desc limit ${n}) as appointment_changes
  `.execute(db);
  return rows;
}
