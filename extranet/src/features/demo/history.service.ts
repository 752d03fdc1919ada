import { randomUUID } from 'node:crypto';
import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely, Transaction } from 'kysely';
import type { Database, SupportTable } from '../../db/database.ts';
import { findAccountIdByEmail } from '../accounts/accounts.repository.ts';
import { upsertEventCopy } from '../events/events.repository.ts';
import { formatReference } from '../registrations/intake.service.ts';
import { nextCounter } from '../registrations/registrations.repository.ts';
import type { ParcoursOutcomeKind } from '../sessions/sessions.rules.ts';
import { END_WARNING_DAYS, MAX_SUPPORT_YEARS, type Phase } from '../supports/supports.rules.ts';
import { territoryName } from '../territories/territories.ts';
import {
  claimMarker,
  insertAttendance,
  insertDemoPerson,
  insertNote,
  insertParcoursOutcome,
  insertRegistration,
  insertSupport,
  insertSupportPhase,
  markEventRemoved,
  markerOf,
} from './demo.repository.ts';
import {
  COMMUNES,
  FIRST,
  LAST,
  NEXT,
  OSCAAR,
  PARCOURS,
  type SessionSpec,
  SUPPORTS_2022,
  type SupportSpec,
  type Territory,
  VENUES,
} from './history.data.ts';

/**
 * Demo history for the indicators page (issue 11): the year 2022 as the project description tells
 * it — 6 Parcours (emploi, création, compétences), 39 distinct participants of whom 31 RSA
 * beneficiaries, 11 project holders supported in maturation or développement (an épicerie
 * solidaire, a maraîchage, a culture project…), the 4-day training on the associative employer's
 * role at Oscaar in Marly with 6 participants — plus 2025 and the current year up to today.
 *
 * Past sessions live only in the events copy (the CMS publishes upcoming ones), marked `removed`
 * as a CMS refresh would: kept with their registrations and attendance, out of the sessions lists,
 * and counted by the indicators. Written once (claimed in app_state), in one transaction.
 */
const HISTORY_KEY = 'demo_history';
/** Every session of the history has an id starting with this. */
export const HISTORY_PREFIX = 'histoire-';

// What the demo history writes: people, past sessions, requests with their attendance and what
// came next, supports with their phases — all in the history's transaction.

type Tx = Transaction<Database>;

/** A deterministic pseudo-random generator, so the demo is the same on every machine. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

interface Ctx {
  trx: Tx;
  advisorId: string | null;
  seq: number;
  /** supports written so far (varies their endings and contacts, deterministically) */
  supports?: number;
}

async function addPerson(ctx: Ctx, territory: Territory, rsa: boolean, createdOn: string): Promise<number> {
  const i = ctx.seq++;
  const communes = COMMUNES[territory];
  const commune = communes[i % communes.length]!;
  const at = parisInstant(createdOn, '10:00').toISOString();
  return insertDemoPerson(ctx.trx, {
    firstName: FIRST[i % FIRST.length]!,
    lastName: LAST[(i * 7) % LAST.length]!,
    phone: `+3378${String(i).padStart(7, '0')}`,
    commune,
    territory,
    rsa: rsa ? 'oui' : 'non',
    jobSeeker: rsa || i % 3 !== 0 ? 'oui' : 'non',
    createdAt: at,
  });
}

async function addSession(ctx: Ctx, s: SessionSpec): Promise<void> {
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
  await markEventRemoved(ctx.trx, s.id);
}

type Source = 'self' | 'prescriber' | 'advisor';

/** A request for a session: attended half-days as `present` (the rest `absent`), or not kept. */
async function enrol(
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
  const registrationId = await insertRegistration(ctx.trx, {
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
  });
  if (options.status !== 'accepted') return;
  const rows = s.dates.map((date, i) => ({
    registration_id: registrationId,
    slot_date: date,
    slot_start: s.programKind === 'formation' ? '09:00' : '13:30',
    status: (i < options.present ? 'present' : 'absent') as 'present' | 'absent',
    recorded_by: ctx.advisorId,
    recorded_at: parisInstant(date, '17:00').toISOString(),
  }));
  await insertAttendance(ctx.trx, rows);
  if (options.next)
    await insertParcoursOutcome(ctx.trx, {
      registration_id: registrationId,
      kind: options.next.kind,
      outcome_date: addDays(s.dates.at(-1)!, options.next.daysAfter),
      support_id: null,
      recorded_by: ctx.advisorId,
      recorded_at: parisInstant(addDays(s.dates.at(-1)!, options.next.daysAfter), '12:00').toISOString(),
    });
}

/**
 * A support lasts 3 years at most: one the history left open past that is closed, as an advisor
 * would have done, some months before its 3 years — an activity created for one in three, else
 * an ending with its reason — so the demo never shows a support open since 2021.
 */
function closedInTime(s: SupportSpec, today: string, n: number): SupportSpec['ended'] {
  if (s.ended) return s.ended;
  const startedOn = s.phases[0]![1];
  const lastPhase = s.phases.at(-1)![1];
  const [y, m, d] = startedOn.split('-');
  const threeYears = `${Number(y) + MAX_SUPPORT_YEARS}-${m}-${d}`;
  if (threeYears > addDays(today, END_WARNING_DAYS)) return undefined;
  const on = addDays(threeYears, -(60 + (n % 5) * 30));
  const closeOn = on > lastPhase ? on : addDays(lastPhase, 30);
  if (n % 3 === 0)
    return { on: closeOn, outcome: 'activite-creee', legalForm: 'entreprise-individuelle', jobs: 1 };
  const reasons = ['emploi-salarie', 'formation', 'autre-projet', 'sans-nouvelles'];
  return { on: closeOn, outcome: 'arret', reason: reasons[n % reasons.length]! };
}

/**
 * The contacts of a support still open: an interview every few weeks, the latest within 45 days
 * for most people (one in six is overdue: the « Sans contact » warning is there for them).
 */
async function addContacts(ctx: Ctx, personId: number, supportId: number, startedOn: string, n: number) {
  const today = parisDate();
  const lastDaysAgo = n % 6 === 5 ? 50 + (n % 4) * 10 : 3 + ((n * 7) % 38);
  const notes = [lastDaysAgo, lastDaysAgo + 35, lastDaysAgo + 80]
    .map((daysAgo) => addDays(today, -daysAgo))
    .filter((on) => on > startedOn);
  for (const [i, on] of notes.entries())
    await insertNote(ctx.trx, {
      person_id: personId,
      support_id: supportId,
      author_id: ctx.advisorId,
      kind: i % 2 ? 'appel' : 'entretien',
      occurred_at: parisInstant(on, i % 2 ? '11:00' : '14:30').toISOString(),
      occurred_time: i % 2 ? '11:00' : '14:30',
      body:
        i % 2
          ? 'Point téléphonique sur l’avancement du projet.'
          : 'Entretien de suivi : budget prévisionnel et prochaines démarches.',
      created_at: parisInstant(on, '18:00').toISOString(),
      updated_at: parisInstant(on, '18:00').toISOString(),
    });
}

async function addSupport(ctx: Ctx, spec: SupportSpec, personId?: number): Promise<number> {
  ctx.supports = (ctx.supports ?? 0) + 1;
  const ended = closedInTime(spec, parisDate(), ctx.supports);
  const s: SupportSpec = ended ? { ...spec, ended } : spec;
  const startedOn = s.phases[0]![1];
  const person = personId ?? (await addPerson(ctx, s.territory, s.rsa, addDays(startedOn, -10)));
  const last = s.phases.at(-1)!;
  const supportId = await insertSupport(ctx.trx, {
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
  });
  for (const [phase, on] of s.phases)
    await insertSupportPhase(ctx.trx, {
      support_id: supportId,
      phase,
      started_on: on,
      changed_by: ctx.advisorId,
      created_at: parisInstant(on, '09:30').toISOString(),
    });
  if (!s.ended) await addContacts(ctx, person, supportId, startedOn, ctx.supports);
  return person;
}

/** Six half-days, two a week, from `start` (a Tuesday or so). */
function halfDays(start: string, n = 6): string[] {
  return Array.from({ length: n }, (_, i) => addDays(start, Math.floor(i / 2) * 7 + (i % 2) * 2));
}

function parcoursSpec(
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

/**
 * 2022, exactly the project description's figures. 42 kept registrations across 6 Parcours, three
 * people coming to two of them (39 distinct), 31 of them on the RSA; each session also has a
 * request cancelled or declined and someone accepted who never came: none of them counts.
 */
async function seed2022(ctx: Ctx): Promise<void> {
  const sessions = [
    parcoursSpec('histoire-2022-emploi-valenciennes', 'emploi', 'valenciennois', '2022-02-01'),
    parcoursSpec('histoire-2022-creation-somain', 'creation', 'douaisis', '2022-03-15'),
    parcoursSpec('histoire-2022-competences-cambrai', 'competences', 'cambresis', '2022-05-10'),
    parcoursSpec('histoire-2022-emploi-orchies', 'emploi', 'pevele-carembault', '2022-06-07', 5),
    parcoursSpec('histoire-2022-creation-valenciennes', 'creation', 'valenciennois', '2022-09-20', 7),
    parcoursSpec('histoire-2022-competences-somain', 'competences', 'douaisis', '2022-11-08'),
  ];
  for (const s of sessions) await addSession(ctx, s);
  const rand = prng(2022);
  const people: number[] = [];
  for (let i = 0; i < 39; i++) {
    const s = sessions[Math.min(5, Math.floor(i / 7))]!;
    // 31 RSA beneficiaries: everyone except every fifth person and one more (8 of them).
    people.push(await addPerson(ctx, s.territory, i % 5 !== 4 && i !== 37, addDays(s.dates[0]!, -25)));
  }
  const sources: Source[] = ['prescriber', 'prescriber', 'self', 'advisor'];
  for (const [k, s] of sessions.entries()) {
    // Sessions 1–5 take people 7k…7k+6; the sixth the last four and three who come back.
    const group =
      k < 5 ? people.slice(7 * k, 7 * k + 7) : [...people.slice(35), people[0]!, people[8]!, people[16]!];
    for (const [j, person] of group.entries()) {
      const present = j < 5 ? s.dates.length - (j % 2) : 1 + Math.floor(rand() * 3);
      await enrol(ctx, s, person, {
        status: 'accepted',
        present,
        source: sources[(k + j) % sources.length]!,
        next: j % 3 === 0 ? { kind: NEXT[(k + j) % NEXT.length]!, daysAfter: 60 } : undefined,
      });
    }
    // Not counted: a request cancelled or declined, and a person accepted who never came.
    const other = await addPerson(ctx, s.territory, true, addDays(s.dates[0]!, -30));
    await enrol(ctx, s, other, { status: k % 2 ? 'declined' : 'cancelled', present: 0, source: 'self' });
    const absent = await addPerson(ctx, s.territory, true, addDays(s.dates[0]!, -30));
    await enrol(ctx, s, absent, { status: 'accepted', present: 0, source: 'prescriber' });
  }

  // 11 project holders supported in 2022, in maturation or développement at the end of the year.
  const holders: number[] = [];
  for (const s of SUPPORTS_2022) holders.push(await addSupport(ctx, s));
  // Before and after 2022: not counted in it.
  await addSupport(ctx, {
    territory: 'douaisis',
    rsa: true,
    activity: 'Vente à domicile',
    phases: [['emergence', '2021-01-11']],
    ended: { on: '2021-11-30', outcome: 'arret', reason: 'formation' },
  });

  // The 4-day training at Oscaar, Marly, for project holders of the CAVM (Valenciennes Métropole).
  const training: SessionSpec = {
    id: 'histoire-2022-formation-employeur-associatif',
    title: 'Formation : la fonction d’employeur associatif (Oscaar, Marly)',
    programSlug: 'formation-fonction-employeur-associatif',
    programTitle: 'La fonction d’employeur associatif',
    programKind: 'formation',
    territory: 'valenciennois',
    venue: OSCAAR,
    dates: ['2022-10-04', '2022-10-11', '2022-10-18', '2022-10-25'],
  };
  await addSession(ctx, training);
  const cavm = [0, 2, 3, 4, 5, 10].map((i) => holders[i]!);
  for (const person of cavm)
    await enrol(ctx, training, person, { status: 'accepted', present: 4, source: 'advisor' });
  await enrol(ctx, training, holders[6]!, { status: 'cancelled', present: 0, source: 'advisor' });
}

/** A plausible later year: more sessions, close to the targets without reaching them. */
async function seedYear(
  ctx: Ctx,
  year: number,
  lastDay: string,
  scale: { sessions: number; holders: number },
) {
  const rand = prng(year);
  const territories = Object.keys(COMMUNES) as Territory[];
  const variants = Object.keys(PARCOURS) as (keyof typeof PARCOURS)[];
  for (let k = 0; k < scale.sessions; k++) {
    const month = 1 + Math.floor((k * 11) / Math.max(1, scale.sessions));
    const start = `${year}-${String(month).padStart(2, '0')}-${String(3 + ((k * 5) % 20)).padStart(2, '0')}`;
    const spec = parcoursSpec(
      `histoire-${year}-${k + 1}`,
      variants[k % variants.length]!,
      territories[k % territories.length]!,
      start,
      5 + (k % 3),
    );
    if (spec.dates.at(-1)! >= lastDay) break;
    await addSession(ctx, spec);
    const size = 6 + Math.floor(rand() * 4);
    for (let j = 0; j < size; j++) {
      const person = await addPerson(ctx, spec.territory, rand() < 0.78, addDays(start, -25));
      const present =
        rand() < 0.12 ? 0 : Math.min(spec.dates.length, 1 + Math.floor(rand() * spec.dates.length + 1));
      await enrol(ctx, spec, person, {
        status: rand() < 0.08 ? 'cancelled' : 'accepted',
        present,
        source: (['self', 'prescriber', 'prescriber', 'advisor'] as const)[Math.floor(rand() * 4)]!,
        next: rand() < 0.5 ? { kind: NEXT[Math.floor(rand() * NEXT.length)]!, daysAfter: 45 } : undefined,
      });
    }
  }
  const phases: Phase[] = ['emergence', 'maturation', 'creation', 'developpement'];
  for (let h = 0; h < scale.holders; h++) {
    const first = addDays(`${year - 1}-03-01`, Math.floor(rand() * 500));
    if (first >= lastDay) continue;
    const steps = 1 + Math.floor(rand() * 3);
    const list: [Phase, string][] = [];
    let on = first;
    for (let i = 0; i < steps && on < lastDay; i++) {
      list.push([phases[Math.min(3, i + (h % 2))]!, on]);
      on = addDays(on, 90 + Math.floor(rand() * 120));
    }
    const created = h % 6 === 0 && on < lastDay;
    await addSupport(ctx, {
      territory: territories[h % territories.length]!,
      rsa: rand() < 0.7,
      activity: `Projet ${h + 1}`,
      phases: list,
      ...(created
        ? { ended: { on, outcome: 'activite-creee' as const, legalForm: 'scop-scic', jobs: 1 + (h % 3) } }
        : {}),
    });
  }
}

/** Writes the history once. Returns false when it was already there. */
export async function seedDemoHistory(db: Kysely<Database>, advisorEmail?: string): Promise<boolean> {
  if (await markerOf(db, HISTORY_KEY)) return false;
  const advisor = advisorEmail ? await findAccountIdByEmail(db, advisorEmail) : undefined;
  return db.transaction().execute(async (trx) => {
    if (!(await claimMarker(trx, HISTORY_KEY))) return false;
    const ctx: Ctx = { trx, advisorId: advisor?.id ?? null, seq: 0 };
    await seed2022(ctx);
    await seedYear(ctx, 2025, '2026-01-01', { sessions: 8, holders: 18 });
    const today = parisDate();
    const year = Number(today.slice(0, 4));
    // The current year up to today (sessions finished before it), when it is after 2025.
    if (year > 2025) await seedYear(ctx, year, today, { sessions: 7, holders: 14 });
    return true;
  });
}
