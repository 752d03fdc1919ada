import { type Kysely, sql } from 'kysely';
import type {
  AttendanceTable,
  Database,
  NoteTable,
  NotificationTable,
  OutboxTable,
  RegistrationTable,
  SupportTable,
} from '../../db/database.ts';

export type TimelineKind =
  | 'request'
  | 'decision'
  | 'attendance'
  | 'phase'
  | 'support-end'
  | 'note'
  | 'message'
  | 'call';

export interface TimelineItem {
  at: string;
  kind: TimelineKind;
  /** a stable key for ties: source and id */
  key: string;
  title: string;
  detail?: string | null;
  href?: string | null;
  by?: string | null;
  noteId?: number;
}

export const TIMELINE_PAGE_SIZE = 50;

/** One row of the timeline's single query: its source, id, and the source's columns in order. */
interface SourceRow {
  src: 'r' | 'd' | 'a' | 'p' | 'e' | 'n' | 'm' | 'c';
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

/**
 * One timeline of a person, newest first: requests, decisions, attendance, support phases and
 * ends, notes, messages sent (subject and date only, never the body) and calls. Each source
 * gives its newest `page × size + 1` rows, merged here: no source can push another off a page.
 * One query (each source a branch of a UNION ALL, each on its index), not eight: the person file
 * is what advisors open most, and eight round trips per view queued behind each other under load.
 */
export async function personTimeline(db: Kysely<Database>, personId: number, page = 1) {
  const n = page * TIMELINE_PAGE_SIZE + 1;
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
      select 'n', o.id, ${int}, o.kind, o.occurred_at, o.body, o.next_action, o.due_at, o.done_at, u.name
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
  `.execute(db);
  const of = (src: SourceRow['src']) => rows.filter((r) => r.src === src);
  // Each source in its own order (a UNION ALL keeps no order of its own).
  const desc = <T>(list: T[], key: (row: T) => string | number) =>
    list.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return x < y ? 1 : x > y ? -1 : 0;
    });
  const t = (v: string | null) => v as string;
  const requests = desc(
    of('r').map((r) => ({
      id: r.id,
      reference: t(r.c1),
      kind: r.c2 as RegistrationTable['kind'],
      created_at: t(r.c3),
      source_type: r.c4 as RegistrationTable['source_type'],
      title: r.c5,
    })),
    (r) => r.created_at,
  );
  const decisions = desc(
    of('d').map((r) => ({ id: r.id, at: t(r.c1), action: t(r.c2), entity_id: r.c3, name: r.c4 })),
    (r) => r.id,
  );
  const attendance = desc(
    of('a').map((r) => ({
      id: r.id,
      slot_date: t(r.c1),
      slot_start: t(r.c2),
      status: r.c3 as AttendanceTable['status'],
      recorded_at: t(r.c4),
      title: r.c5,
    })),
    (r) => r.slot_date,
  );
  const phases = desc(
    of('p').map((r) => ({
      id: r.id,
      support_id: r.i1 as number,
      phase: r.c1 as SupportTable['phase'],
      started_on: t(r.c2),
      name: r.c3,
    })),
    (r) => r.started_on,
  );
  const ends = of('e').map((r) => ({
    id: r.id,
    ended_at: r.c1,
    outcome: r.c2,
    activity_name: r.c3,
    end_reason: r.c4,
  }));
  const notes = desc(
    of('n').map((r) => ({
      id: r.id,
      kind: r.c1 as NoteTable['kind'],
      occurred_at: t(r.c2),
      body: t(r.c3),
      next_action: r.c4,
      due_at: r.c5,
      done_at: r.c6,
      name: r.c7,
    })),
    (r) => r.occurred_at,
  );
  const messages = desc(
    of('m').map((r) => ({
      id: r.id,
      subject: t(r.c1),
      status: r.c2 as OutboxTable['status'],
      sent_at: r.c3,
      created_at: t(r.c4),
    })),
    (r) => r.id,
  );
  const calls = desc(
    of('c').map((r) => ({
      id: r.id,
      channel: r.c1 as NotificationTable['channel'],
      outcome: r.c2,
      handled_at: r.c3,
      name: r.c4,
    })),
    (r) => r.handled_at ?? '',
  );
  return { requests, decisions, attendance, phases, ends, notes, messages, calls, page, n };
}

export type RawTimeline = Awaited<ReturnType<typeof personTimeline>>;
