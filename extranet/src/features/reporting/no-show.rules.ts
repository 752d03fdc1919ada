/**
 * No-show rate of Parcours half-days (issue 18 part 3, design §9), by territory and by advisor.
 *
 * Definition: among the half-days RECORDED for accepted participants of Parcours sessions (not
 * cancelled) whose date falls in the period, the share marked « absent ». « Excusé·e » is a final
 * status with a known reason: it counts in the denominator (a recorded half-day) but is NOT a
 * no-show; « présent·e » likewise. Half-days with nothing recorded count nowhere (not yet known).
 * The advisor of a half-day is the account that recorded the mark (the one who ran the roll call);
 * a mark whose account was deleted counts under `null`. The rate is null when nothing was recorded.
 */
export interface HalfDayCount {
  territory: string | null;
  advisorId: string | null;
  status: 'present' | 'absent' | 'excused';
  n: number;
}

interface NoShowLine {
  recorded: number;
  absent: number;
  excused: number;
  /** absent ÷ recorded, null when nothing was recorded */
  rate: number | null;
}

export interface NoShowRates {
  total: NoShowLine;
  byTerritory: Map<string | null, NoShowLine>;
  byAdvisor: Map<string | null, NoShowLine>;
}

const empty = (): NoShowLine => ({ recorded: 0, absent: 0, excused: 0, rate: null });

function add(line: NoShowLine, c: HalfDayCount): void {
  line.recorded += c.n;
  if (c.status === 'absent') line.absent += c.n;
  if (c.status === 'excused') line.excused += c.n;
  line.rate = line.recorded ? line.absent / line.recorded : null;
}

/** The rates from the counts of recorded half-days (one row per territory, advisor and status). */
export function noShowRates(counts: readonly HalfDayCount[]): NoShowRates {
  const rates: NoShowRates = { total: empty(), byTerritory: new Map(), byAdvisor: new Map() };
  for (const c of counts) {
    add(rates.total, c);
    const t = rates.byTerritory.get(c.territory) ?? empty();
    add(t, c);
    rates.byTerritory.set(c.territory, t);
    const a = rates.byAdvisor.get(c.advisorId) ?? empty();
    add(a, c);
    rates.byAdvisor.set(c.advisorId, a);
  }
  return rates;
}
