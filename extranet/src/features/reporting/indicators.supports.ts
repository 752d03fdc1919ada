import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { PHASES, type Phase } from '../supports/supports.rules.ts';
import { type Indicators, type SupportRow, territoryIn } from './indicators.model.ts';

/**
 * Individual support in the year (design §8): a project holder is supported in a year when a
 * support was active at any time in it; one person counts once, in the furthest phase reached.
 */
export async function supportIndicators(
  db: Kysely<Database>,
  scope: string[] | null,
  year: { start: string; end: string; firstDay: string; lastDay: string },
): Promise<Pick<Indicators, 'supports' | 'supportRows'>> {
  const { start, end } = year;
  const activeInYear = db
    .selectFrom('support as s')
    .innerJoin('person as p', 'p.id', 's.person_id')
    .where('s.started_at', '<', end)
    .where((eb) => eb.or([eb('s.ended_at', 'is', null), eb('s.ended_at', '>=', start)]))
    .where(territoryIn('p.territory', scope));
  const [supportRowsRaw, phaseRows] = await Promise.all([
    activeInYear
      .select([
        's.id',
        's.person_id',
        'p.territory',
        's.phase',
        's.started_at',
        's.ended_at',
        's.outcome',
        's.legal_form',
        's.outcome_date',
        's.jobs_created',
        's.end_reason',
      ])
      .execute(),
    activeInYear
      .innerJoin('support_phase as ph', 'ph.support_id', 's.id')
      .select(['ph.support_id', 'ph.phase', 'ph.started_on'])
      .orderBy('ph.support_id')
      .orderBy('ph.started_on')
      .orderBy('ph.id')
      .execute(),
  ]);
  const yearStart = year.firstDay;
  const yearEnd = year.lastDay;
  const history = new Map<number, { phase: Phase; startedOn: string }[]>();
  for (const ph of phaseRows) {
    const list = history.get(ph.support_id) ?? [];
    list.push({ phase: ph.phase, startedOn: ph.started_on });
    history.set(ph.support_id, list);
  }
  const supportRows: SupportRow[] = supportRowsRaw.map((s) => {
    const list = history.get(s.id) ?? [];
    const endedOn = s.ended_at ? s.ended_at.slice(0, 10) : null;
    const cut = endedOn && endedOn < yearEnd ? endedOn : yearEnd;
    const inYear = list.filter((p) => p.startedOn <= cut);
    return {
      supportId: s.id,
      personId: s.person_id,
      territory: s.territory,
      startedOn: s.started_at.slice(0, 10),
      endedOn,
      phase: inYear.at(-1)?.phase ?? list[0]?.phase ?? s.phase,
      phases: list,
      outcome: s.outcome,
      legalForm: s.legal_form,
      outcomeDate: s.outcome_date,
      jobsCreated: s.jobs_created,
      endReason: s.end_reason,
    };
  });
  supportRows.sort((a, b) => a.startedOn.localeCompare(b.startedOn) || a.supportId - b.supportId);
  const holders = new Set<number>();
  const byPhase = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const phaseOfHolder = new Map<number, Phase>();
  let activitiesCreated = 0;
  let jobsCreated = 0;
  for (const s of supportRows) {
    holders.add(s.personId);
    // One person, one phase: the furthest reached among their supports of the year.
    const prev = phaseOfHolder.get(s.personId);
    if (!prev || PHASES.indexOf(s.phase) > PHASES.indexOf(prev)) phaseOfHolder.set(s.personId, s.phase);
    if (
      s.outcome === 'activite-creee' &&
      s.outcomeDate &&
      s.outcomeDate >= yearStart &&
      s.outcomeDate <= yearEnd
    ) {
      activitiesCreated++;
      jobsCreated += s.jobsCreated ?? 0;
    }
  }
  for (const p of phaseOfHolder.values()) byPhase[p]++;

  return { supports: { holders: holders.size, byPhase, activitiesCreated, jobsCreated }, supportRows };
}
