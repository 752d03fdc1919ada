import { parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type {
  AttendanceTable,
  Database,
  NoteTable,
  NotificationTable,
  OutboxTable,
  RegistrationTable,
  SupportTable,
} from '../../db/database.ts';
import { type SourceRow, timelineRows } from './timeline.repository.ts';

type TimelineKind =
  | 'appointment'
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
  /** dated by its day only (a note without a time): `at` then only orders it, its hour is not shown */
  dateOnly?: boolean;
}

const TIMELINE_PAGE_SIZE = 50;
const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});

/**
 * One timeline of a person, newest first: requests, decisions, attendance, support phases and
 * ends, notes, messages sent (subject and date only, never the body) and calls. Each source
 * gives its newest `page × size + 1` rows, merged here: no source can push another off a page.
 * One query (timeline.repository.ts).
 */
export async function personTimeline(db: Kysely<Database>, personId: number, page = 1) {
  const n = page * TIMELINE_PAGE_SIZE + 1;
  const rows = await timelineRows(db, personId, n);
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
      /** a time was given with the note (otherwise it reads as a date only) */
      timed: Number(r.i1) === 1,
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
  const appointments = desc(
    of('v').map((r) => ({
      id: r.id,
      created_at: t(r.c1),
      starts_at: t(r.c2),
      place_kind: t(r.c3),
      status: t(r.c4),
      name: r.c5,
    })),
    (r) => r.created_at,
  );
  const appointmentChanges = desc(
    of('s').map((r) => ({
      id: r.id,
      at: t(r.c1),
      action: t(r.c2),
      appointment_id: r.c3,
      details: r.c4,
      name: r.c5,
    })),
    (r) => r.id,
  );
  return {
    requests,
    decisions,
    attendance,
    phases,
    ends,
    notes,
    messages,
    calls,
    appointments,
    appointmentChanges,
    page,
    n,
  };
}

export type RawTimeline = Awaited<ReturnType<typeof personTimeline>>;

/** Merges the sources into one list, newest first (labels in French: it is shown as is). */
export function mergeTimeline(
  raw: RawTimeline,
  labels: {
    kind: Record<string, string>;
    decision: Record<string, string>;
    attendance: Record<string, string>;
    phase: Record<string, string>;
    noteKind: Record<string, string>;
    endReason: Record<string, string>;
    /** the appointment's statuses and places (from the appointments feature, above this one) */
    appointmentStatus: Record<string, string>;
    place: Record<string, string>;
  },
): { items: TimelineItem[]; hasMore: boolean } {
  const items: TimelineItem[] = [];
  for (const r of raw.requests)
    items.push({
      at: r.created_at,
      kind: 'request',
      key: `r${r.id}`,
      title: `Demande reçue : ${labels.kind[r.kind] ?? r.kind}`,
      detail: [r.reference, r.title, r.source_type === 'prescriber' ? 'par un·e professionnel·le' : null]
        .filter(Boolean)
        .join(' · '),
      href: `/demandes/${r.id}`,
    });
  for (const d of raw.decisions)
    items.push({
      at: d.at,
      kind: 'decision',
      key: `d${d.id}`,
      title: labels.decision[d.action] ?? d.action,
      by: d.name,
      href: d.entity_id ? `/demandes/${d.entity_id}` : null,
    });
  for (const a of raw.attendance)
    items.push({
      at: parisInstant(a.slot_date, a.slot_start).toISOString(),
      kind: 'attendance',
      key: `a${a.id}`,
      title: `${labels.attendance[a.status] ?? a.status} à une demi-journée`,
      detail: a.title,
    });
  for (const p of raw.phases)
    items.push({
      at: parisInstant(p.started_on, '08:00').toISOString(),
      kind: 'phase',
      key: `p${p.id}`,
      title: `Accompagnement : phase ${labels.phase[p.phase] ?? p.phase}`,
      by: p.name,
      href: `/accompagnements/${p.support_id}`,
    });
  for (const e of raw.ends)
    items.push({
      at: e.ended_at as string,
      kind: 'support-end',
      key: `e${e.id}`,
      title: 'Fin de l’accompagnement',
      detail:
        e.outcome === 'activite-creee'
          ? `Activité créée : ${e.activity_name}`
          : (labels.endReason[e.end_reason ?? ''] ?? e.end_reason),
      href: `/accompagnements/${e.id}`,
    });
  for (const n of raw.notes)
    items.push({
      at: n.occurred_at,
      kind: 'note',
      key: `n${n.id}`,
      title: `Note : ${labels.noteKind[n.kind] ?? n.kind}`,
      detail: n.body,
      by: n.name,
      noteId: n.id,
      href: `/notes/${n.id}`,
      dateOnly: !n.timed,
    });
  for (const m of raw.messages)
    items.push({
      at: m.sent_at ?? m.created_at,
      kind: 'message',
      key: `m${m.id}`,
      title: m.status === 'sent' ? 'Message envoyé' : 'Message en attente d’envoi',
      detail: m.subject,
    });
  for (const c of raw.calls)
    items.push({
      at: c.handled_at as string,
      kind: 'call',
      key: `c${c.id}`,
      title: c.channel === 'sms' ? 'SMS' : 'Appel',
      detail: c.outcome,
      by: c.name,
    });
  for (const v of raw.appointments)
    items.push({
      at: v.created_at,
      kind: 'appointment',
      key: `v${v.id}`,
      title: `Rendez-vous fixé pour le ${PARIS_DATE_TIME.format(new Date(v.starts_at))}`,
      detail: labels.place[v.place_kind] ?? v.place_kind,
      by: v.name,
      href: `/rendez-vous/${v.id}`,
    });
  for (const s of raw.appointmentChanges) {
    const after = s.details ? (JSON.parse(s.details) as { after?: string }).after : undefined;
    items.push({
      at: s.at,
      kind: 'appointment',
      key: `s${s.id}`,
      title:
        s.action === 'appointment.status'
          ? `Rendez-vous : ${labels.appointmentStatus[after ?? ''] ?? after}`
          : s.action === 'appointment.change'
            ? `Rendez-vous déplacé${after ? ` au ${PARIS_DATE_TIME.format(new Date(after))}` : ''}`
            : s.action === 'appointment.cancel-by-person'
              ? 'Rendez-vous annulé par la personne (lien de son message)'
              : 'Rendez-vous annulé',
      by: s.name,
      href: s.appointment_id ? `/rendez-vous/${s.appointment_id}` : null,
    });
  }
  items.sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key));
  const start = (raw.page - 1) * TIMELINE_PAGE_SIZE;
  return {
    items: items.slice(start, start + TIMELINE_PAGE_SIZE),
    hasMore: items.length > start + TIMELINE_PAGE_SIZE,
  };
}
