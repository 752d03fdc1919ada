import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { OUTCOME_LABEL } from '../sessions/sessions.rules.ts';
import { END_REASONS, LEGAL_FORMS, PHASE_LABEL } from '../supports/supports.rules.ts';
import { territoryName } from '../territories/territories.ts';
import {
  CONTACT_COLUMNS,
  INDICATOR_COLUMNS,
  PARTICIPANT_COLUMNS,
  SUPPORT_COLUMNS,
} from './export.columns.ts';
import type { Cell, Column, ExportTable } from './export.table.ts';
import { type Indicators, SOURCE_LABEL, VARIANT_LABEL } from './indicators.ts';

/**
 * Exports for funders (issue 11, item 3): CSV (UTF-8 with BOM, `;` as Excel expects in French) and
 * XLSX (exceljs' streaming writer: rows go out as they are written, memory does not grow with
 * them), built from the numbers and rows of `computeIndicators` — nothing else is counted. Only
 * what funders need: no notes, needs or free text; contact details only when an admin asks.
 * The columns are in export.columns.ts, the writers in csv.ts and xlsx.ts.
 */
export { csvChunks, csvStream } from './csv.ts';
export { type Cell, neutralise } from './export.table.ts';
export { writeXlsx, xlsxStream } from './xlsx.ts';

export const DATASETS = ['participants', 'accompagnements', 'indicateurs'] as const;
export type Dataset = (typeof DATASETS)[number];

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

export interface Contact {
  firstName: string;
  lastName: string | null;
  phone: string;
  email: string | null;
}

/** Contact details for an admin's export, read apart from the indicators (they do not survive anonymisation). */
export async function contactsOf(db: Kysely<Database>, personIds: number[]): Promise<Map<number, Contact>> {
  const map = new Map<number, Contact>();
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('person')
      .select(['id', 'first_name', 'last_name', 'phone', 'email'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows)
      map.set(r.id, { firstName: r.first_name, lastName: r.last_name, phone: r.phone, email: r.email });
  }
  return map;
}

function contactCells(contacts: Map<number, Contact> | null, personId: number): Record<string, Cell> {
  if (!contacts) return {};
  const c = contacts.get(personId);
  return {
    prenom: c?.firstName ?? null,
    nom: c?.lastName ?? null,
    telephone: c?.phone ?? null,
    email: c?.email ?? null,
  };
}

/** A dataset's table: its columns (with the contact ones when asked) and one row per item. */
function table<T extends { personId: number }>(
  meta: { name: string; title: string; columns: Column[] },
  items: Iterable<T>,
  row: (item: T) => Record<string, Cell>,
  contacts: Map<number, Contact> | null,
): ExportTable {
  return {
    ...meta,
    columns: contacts ? [...meta.columns, ...CONTACT_COLUMNS] : meta.columns,
    rows: (function* () {
      for (const item of items) yield { ...row(item), ...contactCells(contacts, item.personId) };
    })(),
  };
}

/** The table of one dataset, from one computation of the indicators. */
export function exportTable(
  dataset: Dataset,
  indicators: Indicators,
  contacts: Map<number, Contact> | null = null,
): ExportTable {
  const year = indicators.year;
  if (dataset === 'participants')
    return table(
      { name: `participants-${year}`, title: 'Participant·es', columns: PARTICIPANT_COLUMNS },
      indicators.attendanceRows,
      (r) => ({
        annee: year,
        session: r.eventId,
        type: r.programKind === 'formation' ? 'Formation' : VARIANT_LABEL[r.variant ?? 'autre'],
        territoire: territoryName(r.territory),
        debut: r.firstDate,
        fin: r.lastDate,
        personne: r.personId,
        commune: r.communeInsee,
        rsa: yesNo(r.rsa),
        demandeur: yesNo(r.jobSeeker),
        demi_journees: r.halfDays,
        presences: r.attended,
        participant: yesNo(r.attended > 0),
        termine: yesNo(r.completed),
        suite: r.nextStep ? OUTCOME_LABEL[r.nextStep] : null,
        suite_date: r.nextStepDate,
      }),
      contacts,
    );
  if (dataset === 'accompagnements')
    return table(
      { name: `accompagnements-${year}`, title: 'Accompagnements', columns: SUPPORT_COLUMNS },
      indicators.supportRows,
      (s) => ({
        annee: year,
        accompagnement: s.supportId,
        personne: s.personId,
        territoire: territoryName(s.territory),
        debut: s.startedOn,
        fin: s.endedOn,
        phase: PHASE_LABEL[s.phase],
        phases: s.phases.map((p) => `${PHASE_LABEL[p.phase]} ${p.startedOn}`).join(' → '),
        issue: s.outcome === 'activite-creee' ? 'Activité créée' : s.outcome === 'arret' ? 'Arrêt' : null,
        forme: s.legalForm ? (LEGAL_FORMS[s.legalForm as keyof typeof LEGAL_FORMS] ?? s.legalForm) : null,
        date_issue: s.outcomeDate,
        emplois: s.jobsCreated,
        motif: s.endReason ? (END_REASONS[s.endReason as keyof typeof END_REASONS] ?? s.endReason) : null,
      }),
      contacts,
    );
  return {
    name: `indicateurs-${year}`,
    title: 'Indicateurs',
    columns: INDICATOR_COLUMNS,
    rows: indicatorLines(indicators).map(([indicateur, valeur, objectif]) => ({
      annee: year,
      indicateur,
      valeur,
      objectif: objectif ?? null,
    })),
  };
}

/** The indicators as label / value / target lines: the page's summary, the CSV and the XLSX. */
export function indicatorLines(i: Indicators): [string, number, number?][] {
  return [
    ['Parcours des Possibles réalisés', i.parcours.sessions],
    [VARIANT_LABEL.emploi, i.parcours.sessionsByVariant.emploi],
    [VARIANT_LABEL.creation, i.parcours.sessionsByVariant.creation],
    [VARIANT_LABEL.competences, i.parcours.sessionsByVariant.competences],
    ['Participant·es aux Parcours', i.parcours.participants, i.targets.parcoursParticipants],
    ['dont bénéficiaires du RSA', i.parcours.rsa],
    ['dont demandeur·ses d’emploi', i.parcours.jobSeekers],
    ['Parcours terminés (4 demi-journées ou plus)', i.parcours.completed],
    ...Object.entries(i.parcours.nextSteps).map(
      ([k, n]) => [`Suite : ${OUTCOME_LABEL[k as keyof typeof OUTCOME_LABEL]}`, n] as [string, number],
    ),
    ['Porteur·ses de projet accompagné·es', i.supports.holders, i.targets.projectHolders],
    ...Object.entries(i.supports.byPhase).map(
      ([k, n]) =>
        [`En phase ${PHASE_LABEL[k as keyof typeof PHASE_LABEL].toLowerCase()}`, n] as [string, number],
    ),
    ['Activités créées', i.supports.activitiesCreated],
    ['Emplois créés', i.supports.jobsCreated],
    ['Formations réalisées', i.trainings.sessions],
    ['Participant·es aux formations', i.trainings.participants],
    ...Object.entries(i.requests).map(
      ([k, n]) =>
        [`Demandes reçues — ${SOURCE_LABEL[k as keyof typeof SOURCE_LABEL]}`, n] as [string, number],
    ),
  ];
}
