import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

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

/**
 * One timeline of a person, newest first: requests, decisions, attendance, support phases and
 * ends, notes, messages sent (subject and date only, never the body) and calls. Each source
 * gives its newest `page × size + 1` rows, merged here: no source can push another off a page.
 */
export async function personTimeline(db: Kysely<Database>, personId: number, page = 1) {
  const n = page * TIMELINE_PAGE_SIZE + 1;
  const [requests, decisions, attendance, phases, ends, notes, messages, calls] = await Promise.all([
    db
      .selectFrom('registration')
      .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
      .select([
        'registration.id',
        'registration.reference',
        'registration.kind',
        'registration.created_at',
        'registration.source_type',
        'event_copy.title',
      ])
      .where('registration.person_id', '=', personId)
      .orderBy('registration.created_at', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('audit_log')
      .leftJoin('users', 'users.id', 'audit_log.actor_id')
      .select(['audit_log.id', 'audit_log.at', 'audit_log.action', 'audit_log.entity_id', 'users.name'])
      .where('audit_log.person_id', '=', personId)
      .where('audit_log.action', 'in', [
        'registration.accept',
        'registration.waitlist',
        'registration.decline',
        'registration.cancel',
      ])
      .orderBy('audit_log.id', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('attendance')
      .innerJoin('registration', 'registration.id', 'attendance.registration_id')
      .leftJoin('event_copy', 'event_copy.document_id', 'registration.event_id')
      .select([
        'attendance.id',
        'attendance.slot_date',
        'attendance.slot_start',
        'attendance.status',
        'attendance.recorded_at',
        'event_copy.title',
      ])
      .where('registration.person_id', '=', personId)
      .orderBy('attendance.slot_date', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('support_phase')
      .innerJoin('support', 'support.id', 'support_phase.support_id')
      .leftJoin('users', 'users.id', 'support_phase.changed_by')
      .select([
        'support_phase.id',
        'support_phase.support_id',
        'support_phase.phase',
        'support_phase.started_on',
        'users.name',
      ])
      .where('support.person_id', '=', personId)
      .orderBy('support_phase.started_on', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('support')
      .select(['id', 'ended_at', 'outcome', 'activity_name', 'end_reason'])
      .where('person_id', '=', personId)
      .where('ended_at', 'is not', null)
      .execute(),
    db
      .selectFrom('note')
      .leftJoin('users', 'users.id', 'note.author_id')
      .select([
        'note.id',
        'note.kind',
        'note.occurred_at',
        'note.body',
        'note.next_action',
        'note.due_at',
        'note.done_at',
        'users.name',
      ])
      .where('note.person_id', '=', personId)
      .orderBy('note.occurred_at', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('outbox')
      .innerJoin('registration', 'registration.id', 'outbox.registration_id')
      // Messages to the person, not to their professional or to the advisors.
      .select(['outbox.id', 'outbox.subject', 'outbox.status', 'outbox.sent_at', 'outbox.created_at'])
      .where('registration.person_id', '=', personId)
      .where('outbox.kind', 'in', ['receipt', 'decision', 'reminder'])
      .orderBy('outbox.id', 'desc')
      .limit(n)
      .execute(),
    db
      .selectFrom('notification')
      .innerJoin('registration', 'registration.id', 'notification.registration_id')
      .leftJoin('users', 'users.id', 'notification.handled_by')
      .select([
        'notification.id',
        'notification.channel',
        'notification.outcome',
        'notification.handled_at',
        'users.name',
      ])
      .where('registration.person_id', '=', personId)
      .where('notification.handled_at', 'is not', null)
      .orderBy('notification.handled_at', 'desc')
      .limit(n)
      .execute(),
  ]);
  return { requests, decisions, attendance, phases, ends, notes, messages, calls, page, n };
}

export type RawTimeline = Awaited<ReturnType<typeof personTimeline>>;
