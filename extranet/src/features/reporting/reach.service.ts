import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import {
  appointmentAttendance,
  callOutcomes,
  halfDayAttendance,
  personEmailOutcomes,
  smsOutcomes,
} from './reach.repository.ts';

/**
 * « Joindre les personnes » (issue 18): whether people come, and whether our messages reach them.
 *
 * Definitions (printed on the page and in the exports' « Colonnes »):
 * - no-show (« absence non prévenue »): a Parcours half-day recorded « absent·e » (not « excusé·e »),
 *   or an appointment recorded « absent·e »; rate = no-shows ÷ everything with a final status
 *   (design §9): half-days present, excused or absent; appointments venu, excusé, absent or annulé;
 * - a Parcours half-day counts in the year of its date; an appointment in the year it was set for;
 *   half-days of trainings are not counted; the advisor of a half-day is the one who accepted the
 *   person's request;
 * - SMS: created in the year; « délivré » when the operator confirmed delivery; the rate is
 *   delivered ÷ sent by the provider; SMS sent by hand from « À appeler » are counted apart;
 * - e-mail: e-mails to people (not to professionals or advisors), « accepté » when the mail server
 *   took it (mailboxes do not report delivery);
 * - calls: news of a request for someone who prefers a call, made or still to make.
 */

type ReachKind = 'parcours' | 'rendez-vous';

interface NoShowLine {
  kind: ReachKind;
  /** territory slug or advisor id; '' when unknown */
  key: string;
  came: number;
  excused: number;
  noShow: number;
  /** appointments cancelled (no such status for half-days) */
  cancelled: number;
  /** null when nothing was recorded */
  rate: number | null;
}

export interface ReachIndicators {
  noShows: {
    total: Record<ReachKind, NoShowLine>;
    byTerritory: NoShowLine[];
    byAdvisor: (NoShowLine & { advisorName: string })[];
  };
  messages: {
    sms: {
      total: number;
      sent: number;
      delivered: number;
      notDelivered: number;
      byHand: number;
      waiting: number;
      segments: number;
      rate: number | null;
    };
    email: { total: number; accepted: number; refused: number; rate: number | null };
    calls: { total: number; done: number };
  };
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

interface CountRow {
  territory: string | null;
  advisorId: string | null;
  advisorName: string | null;
  came: number | string | null;
  excused: number | string | null;
  noShow: number | string | null;
  cancelled?: number | string | null;
}

function add(
  lines: Map<string, NoShowLine & { advisorName: string }>,
  kind: ReachKind,
  key: string,
  r: CountRow,
) {
  const id = `${kind}:${key}`;
  const line = lines.get(id) ?? {
    kind,
    key,
    came: 0,
    excused: 0,
    noShow: 0,
    cancelled: 0,
    rate: null,
    advisorName: r.advisorName ?? '',
  };
  line.came += Number(r.came ?? 0);
  line.excused += Number(r.excused ?? 0);
  line.noShow += Number(r.noShow ?? 0);
  line.cancelled += Number(r.cancelled ?? 0);
  line.rate = rate(line.noShow, line.came + line.excused + line.noShow + line.cancelled);
  lines.set(id, line);
}

/** The year's reach figures within the scope (see scopeTerritories). */
export async function reachIndicators(
  db: Kysely<Database>,
  scope: string[] | null,
  year: { start: string; end: string; firstDay: string; lastDay: string },
): Promise<ReachIndicators> {
  const [halfDays, appointments, sms, email, calls] = await Promise.all([
    halfDayAttendance(db, scope, { first: year.firstDay, last: year.lastDay }),
    appointmentAttendance(db, scope, year),
    smsOutcomes(db, scope, year),
    personEmailOutcomes(db, scope, year),
    callOutcomes(db, scope, year),
  ]);
  const totals = new Map<string, NoShowLine & { advisorName: string }>();
  const territories = new Map<string, NoShowLine & { advisorName: string }>();
  const advisors = new Map<string, NoShowLine & { advisorName: string }>();
  for (const [kind, rows] of [
    ['parcours', halfDays],
    ['rendez-vous', appointments],
  ] as const) {
    add(totals, kind, '', {
      territory: null,
      advisorId: null,
      advisorName: null,
      came: 0,
      excused: 0,
      noShow: 0,
    });
    for (const r of rows as CountRow[]) {
      add(totals, kind, '', r);
      add(territories, kind, r.territory ?? '', r);
      add(advisors, kind, r.advisorId ?? '', r);
    }
  }
  const strip = ({ advisorName: _, ...line }: NoShowLine & { advisorName: string }): NoShowLine => line;
  const num = (v: unknown) => Number(v ?? 0);
  const sent = num(sms.sent);
  const delivered = num(sms.delivered);
  return {
    noShows: {
      total: {
        parcours: strip(totals.get('parcours:') as NoShowLine & { advisorName: string }),
        'rendez-vous': strip(totals.get('rendez-vous:') as NoShowLine & { advisorName: string }),
      },
      byTerritory: [...territories.values()].map(strip),
      byAdvisor: [...advisors.values()].sort((a, b) => a.advisorName.localeCompare(b.advisorName, 'fr')),
    },
    messages: {
      sms: {
        total: num(sms.total),
        sent,
        delivered,
        notDelivered: num(sms.notDelivered),
        byHand: num(sms.byHand),
        waiting: num(sms.waiting),
        segments: num(sms.segments),
        rate: rate(delivered, sent),
      },
      email: {
        total: num(email.total),
        accepted: num(email.accepted),
        refused: num(email.refused),
        rate: rate(num(email.accepted), num(email.accepted) + num(email.refused)),
      },
      calls: { total: num(calls.total), done: num(calls.done) },
    },
  };
}
