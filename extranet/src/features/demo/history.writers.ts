import { randomUUID } from 'node:crypto';
import { addDays, parisInstant } from '@maillage/platform/clock';
import type { Transaction } from 'kysely';
import type { Database, SupportTable } from '../../db/database.ts';
import { upsertEventCopy } from '../events/events.repository.ts';
import { formatReference } from '../registrations/intake.service.ts';
import { nextCounter } from '../registrations/registrations.repository.ts';
import type { ParcoursOutcomeKind } from '../sessions/sessions.rules.ts';
import { territoryName } from '../territories/territories.ts';
import {
  COMMUNES,
  FIRST,
  LAST,
  PARCOURS,
  type SessionSpec,
  type SupportSpec,
  type Territory,
  VENUES,
} from './history.data.ts';
import { demoPerson } from './person.ts';

// What the demo history writes: people, past sessions, requests with their attendance and what
// came next, supports with their phases — all in the history's transaction.

type Tx = Transaction<Database>;

/** A deterministic pseudo-random generator, so the demo is the same on every machine. */
export function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export interface Ctx {
  trx: Tx;
  advisorId: string | null;
  seq: number;
}

export async function addPerson(
  ctx: Ctx,
  territory: Territory,
  rsa: boolean,
  createdOn: string,
): Promise<number> {
  const i = ctx.seq++;
  const communes = COMMUNES[territory];
  const commune = communes[i % communes.length]!;
  const at = parisInstant(createdOn, '10:00').toISOString();
  const row = await ctx.trx
    .insertInto('person')
    .values(
      demoPerson({
        firstName: FIRST[i % FIRST.length]!,
        lastName: LAST[(i * 7) % LAST.length]!,
        phone: `+3378${String(i).padStart(7, '0')}`,
        commune,
        territory,
        rsa: rsa ? 'oui' : 'non',
        jobSeeker: rsa || i % 3 !== 0 ? 'oui' : 'non',
        createdAt: at,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function addSession(ctx: Ctx, s: SessionSpec): Promise<void> {
  await upsertEventCopy(
    ctx.trx,
    {
      documentId: s.id,
      title: s.title,
      kind: 'session',
      programTitle: s.programTitle,
      programSlug: s.programSlug,
      programKind: s.programKind,
      territory: s.territory,
      territoryName: territoryName(s.territory),
      slots: s.dates.map((date, i) => ({
        date,
        start: s.programKind === 'formation' ? '09:00' : '13:30',
        end: s.programKind === 'formation' ? '17:00' : '16:30',
        label: `${s.programKind === 'formation' ? 'Jour' : 'Demi-journée'} ${i + 1} sur ${s.dates.length}`,
      })),
      capacity: s.programKind === 'formation' ? 8 : 10,
      venue: { ...s.venue, stepFreeAccess: true },
    },
    parisInstant(s.dates[0]!, '08:00'),
  );
  // Past: the CMS does not publish it (the next refresh would say the same). Kept, and counted.
  await ctx.trx.updateTable('event_copy').set({ removed: 1 }).where('document_id', '=', s.id).execute();
}

export type Source = 'self' | 'prescriber' | 'advisor';

/** A request for a session: attended half-days as `present` (the rest `absent`), or not kept. */
export async function enrol(
  ctx: Ctx,
  s: SessionSpec,
  personId: number,
  options: {
    status: 'accepted' | 'cancelled' | 'declined';
    present: number;
    source: Source;
    next?: { kind: ParcoursOutcomeKind; daysAfter: number };
  },
): Promise<void> {
  const year = Number(s.dates[0]!.slice(0, 4));
  const createdOn = addDays(s.dates[0]!, -21);
  const created = parisInstant(createdOn, '11:00').toISOString();
  const decided = parisInstant(addDays(createdOn, 2), '10:00').toISOString();
  const reg = await ctx.trx
    .insertInto('registration')
    .values({
      reference: formatReference(year, await nextCounter(ctx.trx, `registration-${year}`)),
      person_id: personId,
      kind: 'event',
      event_id: s.id,
      territory: s.territory,
      status: options.status,
      source_type: options.source,
      prescriber_name: options.source === 'prescriber' ? 'Référent RSA' : null,
      prescriber_organisation: options.source === 'prescriber' ? 'Département du Nord' : null,
      preferred_contact: 'appel',
      idempotency_key: randomUUID(),
      decision_reason: options.status === 'declined' ? 'Projet déjà accompagné ailleurs' : null,
      decided_by: ctx.advisorId,
      decided_at: decided,
      created_at: created,
      updated_at: decided,
      entered_by: options.source === 'advisor' ? ctx.advisorId : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (options.status !== 'accepted') return;
  const rows = s.dates.map((date, i) => ({
    registration_id: reg.id,
    slot_date: date,
    slot_start: s.programKind === 'formation' ? '09:00' : '13:30',
    status: (i < options.present ? 'present' : 'absent') as 'present' | 'absent',
    recorded_by: ctx.advisorId,
    recorded_at: parisInstant(date, '17:00').toISOString(),
  }));
  await ctx.trx.insertInto('attendance').values(rows).execute();
  if (options.next)
    await ctx.trx
      .insertInto('parcours_outcome')
      .values({
        registration_id: reg.id,
        kind: options.next.kind,
        outcome_date: addDays(s.dates.at(-1)!, options.next.daysAfter),
        support_id: null,
        recorded_by: ctx.advisorId,
        recorded_at: parisInstant(addDays(s.dates.at(-1)!, options.next.daysAfter), '12:00').toISOString(),
      })
      .execute();
}

export async function addSupport(ctx: Ctx, s: SupportSpec, personId?: number): Promise<number> {
  const startedOn = s.phases[0]![1];
  const person = personId ?? (await addPerson(ctx, s.territory, s.rsa, addDays(startedOn, -10)));
  const last = s.phases.at(-1)!;
  const support = await ctx.trx
    .insertInto('support')
    .values({
      person_id: person,
      advisor_id: ctx.advisorId,
      phase: last[0] as SupportTable['phase'],
      started_at: parisInstant(startedOn, '09:30').toISOString(),
      created_at: parisInstant(startedOn, '09:30').toISOString(),
      updated_at: parisInstant(s.ended?.on ?? last[1], '09:30').toISOString(),
      ended_at: s.ended ? parisInstant(s.ended.on, '17:00').toISOString() : null,
      outcome: s.ended?.outcome ?? null,
      activity_name: s.activity,
      legal_form: s.ended?.legalForm ?? null,
      jobs_created: s.ended?.jobs ?? null,
      end_reason: s.ended?.reason ?? null,
      outcome_date: s.ended?.on ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [phase, on] of s.phases)
    await ctx.trx
      .insertInto('support_phase')
      .values({
        support_id: support.id,
        phase,
        started_on: on,
        changed_by: ctx.advisorId,
        created_at: parisInstant(on, '09:30').toISOString(),
      })
      .execute();
  return person;
}

/** Six half-days, two a week, from `start` (a Tuesday or so). */
function halfDays(start: string, n = 6): string[] {
  return Array.from({ length: n }, (_, i) => addDays(start, Math.floor(i / 2) * 7 + (i % 2) * 2));
}

export function parcoursSpec(
  id: string,
  variant: keyof typeof PARCOURS,
  territory: Territory,
  start: string,
  n = 6,
): SessionSpec {
  const p = PARCOURS[variant];
  return {
    id,
    title: `${p.title} à ${VENUES[territory].commune}`,
    programSlug: p.slug,
    programTitle: p.title,
    programKind: 'parcours',
    territory,
    venue: VENUES[territory],
    dates: halfDays(start, n),
  };
}
