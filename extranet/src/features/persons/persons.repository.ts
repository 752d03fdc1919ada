import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { addDays, now, parisDate, parisInstant } from '../../contract/clock.ts';
import { normaliseFrenchPhone } from '../../contract/index.ts';
import { isUniqueViolation } from '../../db/connect.ts';
import type { Database } from '../../db/database.ts';
import { audit } from '../audit/audit.ts';
import type { Viewer } from '../auth/viewer.ts';
import { territoryOfCommune } from '../territories/territories.ts';
import type { PersonEdit, PersonFilters } from './persons.rules.ts';
import { PersonNotFoundError, personScope } from './persons.scope.ts';

export const PERSON_PAGE_SIZE = 25;

export class PhoneTakenError extends Error {}

/** The person list: search (name or phone), territory, situation, in support, last contact. */
export async function listPersons(db: Kysely<Database>, viewer: Viewer, f: PersonFilters) {
  // Erased people (retention, or on request) stay only for the indicators, not in the list.
  let base = db.selectFrom('person').where(personScope(viewer)).where('person.erased_at', 'is', null);
  if (f.territory) base = base.where('person.territory', '=', f.territory);
  if (f.situation === 'rsa') base = base.where('person.situation_rsa', '=', 'oui');
  if (f.situation === 'demandeur') base = base.where('person.situation_job_seeker', '=', 'oui');
  if (f.accompagnement) {
    const open = (eb: ExpressionBuilder<Database, 'person'>) =>
      eb.exists(
        eb
          .selectFrom('support')
          .select('support.id')
          .whereRef('support.person_id', '=', 'person.id')
          .where('support.ended_at', 'is', null),
      );
    base = f.accompagnement === 'oui' ? base.where(open) : base.where((eb) => eb.not(open(eb)));
  }
  if (f.contact) {
    const today = parisDate();
    if (f.contact === 'plus') {
      base = base.where('person.last_contact_at', '<', parisInstant(addDays(today, -365)).toISOString());
    } else {
      base = base.where(
        'person.last_contact_at',
        '>=',
        parisInstant(addDays(today, -Number(f.contact))).toISOString(),
      );
    }
  }
  if (f.q) {
    const phone = normaliseFrenchPhone(f.q);
    const digits = f.q.replace(/\D/g, '');
    const term = `%${f.q.toLowerCase().replace(/[%_\\]/g, '')}%`;
    base = base.where((w) =>
      w.or([
        w(
          sql`lower(coalesce(person.last_name, '') || ' ' || person.first_name || ' ' || coalesce(person.last_name, ''))`,
          'like',
          term,
        ),
        ...(phone ? [w('person.phone', '=', phone)] : []),
        ...(digits.length >= 4 && !phone ? [w('person.phone', 'like', `%${digits.replace(/^0/, '')}%`)] : []),
      ]),
    );
  }
  const offset = (f.page - 1) * PERSON_PAGE_SIZE;
  const rows = await base
    .select([
      'person.id',
      'person.first_name',
      'person.last_name',
      'person.phone',
      'person.territory',
      'person.commune_name',
      'person.last_contact_at',
      sql<number>`count(*) over ()`.as('total'),
      sql<
        string | null
      >`(select s.phase from support s where s.person_id = person.id and s.ended_at is null order by s.id desc limit 1)`.as(
        'open_phase',
      ),
    ])
    .orderBy(sql`lower(coalesce(person.last_name, person.first_name))`)
    .orderBy('person.id')
    .limit(PERSON_PAGE_SIZE)
    .offset(offset)
    .execute();
  const total = rows.length
    ? Number(rows[0]?.total)
    : offset === 0
      ? 0
      : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    items: rows.map(({ total: _t, ...r }) => r),
    total,
    pages: Math.max(1, Math.ceil(total / PERSON_PAGE_SIZE)),
  };
}

/**
 * A person's file for the viewer, or PersonNotFoundError. Every read is written to the audit log
 * (the caller passes `audited: false` only for the re-render after a refused form, which audits).
 */
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
  items.sort((a, b) => b.at.localeCompare(a.at) || b.key.localeCompare(a.key));
  const start = (raw.page - 1) * TIMELINE_PAGE_SIZE;
  return {
    items: items.slice(start, start + TIMELINE_PAGE_SIZE),
    hasMore: items.length > start + TIMELINE_PAGE_SIZE,
  };
}

const FIELDS: [keyof PersonEdit, keyof Database['person']][] = [
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['communeName', 'commune_name'],
  ['communeInsee', 'commune_insee'],
  ['situationRsa', 'situation_rsa'],
  ['situationJobSeeker', 'situation_job_seeker'],
  ['preferredContact', 'preferred_contact'],
];

/**
 * Corrects a person's identity and contact details. Only the fields that changed are written, and
 * the audit log keeps each of them before and after. Returns the changed fields.
 */
export async function updatePerson(
  db: Kysely<Database>,
  input: { viewer: Viewer; personId: number; values: PersonEdit },
): Promise<string[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      const person = await trx
        .selectFrom('person')
        .selectAll()
        .where('id', '=', input.personId)
        .where(personScope(input.viewer))
        .executeTakeFirst();
      if (!person) throw new PersonNotFoundError();
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const set: Record<string, unknown> = {};
      for (const [field, column] of FIELDS) {
        const value = input.values[field] ?? null;
        if (value !== person[column]) {
          before[column] = person[column];
          after[column] = value;
          set[column] = value;
        }
      }
      // A commune of one of our territories places the person there; otherwise the territory stays.
      const territory = territoryOfCommune(input.values.communeInsee) ?? person.territory;
      if (territory !== person.territory) {
        before.territory = person.territory;
        after.territory = territory;
        set.territory = territory;
      }
      const changed = Object.keys(set);
      if (!changed.length) return [];
      await trx
        .updateTable('person')
        .set({ ...set, updated_at: now().toISOString() })
        .where('id', '=', person.id)
        .execute();
      await audit(trx, {
        actorId: input.viewer.id,
        action: 'person.update',
        entityType: 'person',
        entityId: person.id,
        personId: person.id,
        details: { before, after },
      });
      return changed;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PhoneTakenError();
    throw error;
  }
}
