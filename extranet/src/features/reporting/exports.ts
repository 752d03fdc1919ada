import { once } from 'node:events';
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { OUTCOME_LABEL } from '../sessions/completion.ts';
import { END_REASONS, LEGAL_FORMS, PHASE_LABEL } from '../supports/supports.rules.ts';
import { territoryName } from '../territories/territories.ts';
import { type Indicators, SOURCE_LABEL, VARIANT_LABEL } from './indicators.ts';

/**
 * Exports for funders (issue 11, item 3): CSV (UTF-8 with BOM, `;` as Excel expects in French) and
 * XLSX (exceljs' streaming writer: rows go out as they are written, memory does not grow with
 * them), built from the numbers and rows of `computeIndicators` — nothing else is counted. Only
 * what funders need: no notes, needs or free text; contact details only when an admin asks.
 */
export type Cell = string | number | null;
export interface Column {
  key: string;
  header: string;
  description: string;
}
export interface ExportTable {
  /** file and sheet name */
  name: string;
  title: string;
  columns: Column[];
  rows: Iterable<Record<string, Cell>>;
}

export const DATASETS = ['participants', 'accompagnements', 'indicateurs'] as const;
export type Dataset = (typeof DATASETS)[number];

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is
 * prefixed with an apostrophe: it stays text, and nothing runs when the file is opened.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

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

const CONTACT_COLUMNS: Column[] = [
  {
    key: 'prenom',
    header: 'Prénom',
    description: 'Prénom de la personne (coordonnées demandées par un·e administrateur·rice).',
  },
  { key: 'nom', header: 'Nom', description: 'Nom de la personne.' },
  { key: 'telephone', header: 'Téléphone', description: 'Téléphone de la personne.' },
  { key: 'email', header: 'E-mail', description: 'Adresse e-mail de la personne, si elle l’a donnée.' },
];

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

/** The table of one dataset, from one computation of the indicators. */
export function exportTable(
  dataset: Dataset,
  indicators: Indicators,
  contacts: Map<number, Contact> | null = null,
): ExportTable {
  const year = indicators.year;
  if (dataset === 'participants') {
    const columns: Column[] = [
      {
        key: 'annee',
        header: 'Année',
        description: 'Année des indicateurs (année de la première demi-journée de la session).',
      },
      { key: 'session', header: 'Session', description: 'Identifiant de la session (celui du site).' },
      {
        key: 'type',
        header: 'Type',
        description: 'Parcours des Possibles (emploi, création, compétences) ou formation.',
      },
      { key: 'territoire', header: 'Territoire', description: 'Territoire de la session.' },
      { key: 'debut', header: 'Début', description: 'Date de la première demi-journée (AAAA-MM-JJ).' },
      { key: 'fin', header: 'Fin', description: 'Date de la dernière demi-journée.' },
      {
        key: 'personne',
        header: 'N° personne',
        description: 'Numéro de la personne dans l’extranet (le même d’une ligne à l’autre).',
      },
      { key: 'commune', header: 'Commune (INSEE)', description: 'Code INSEE de la commune de la personne.' },
      {
        key: 'rsa',
        header: 'Bénéficiaire du RSA',
        description: '« oui » si la personne a dit toucher le RSA (revenu de solidarité active).',
      },
      {
        key: 'demandeur',
        header: 'Demandeur·se d’emploi',
        description: '« oui » si la personne est inscrite comme demandeuse d’emploi.',
      },
      {
        key: 'demi_journees',
        header: 'Demi-journées',
        description: 'Nombre de demi-journées (ou de jours pour une formation) de la session.',
      },
      { key: 'presences', header: 'Présences', description: 'Demi-journées où la personne était présente.' },
      {
        key: 'participant',
        header: 'Participant·e',
        description:
          '« oui » si la personne est venue au moins une demi-journée : elle compte alors dans les participant·es.',
      },
      {
        key: 'termine',
        header: 'Parcours terminé',
        description:
          '« oui » à partir de 4 demi-journées de présence (toutes, pour une session plus courte).',
      },
      {
        key: 'suite',
        header: 'Suite du Parcours',
        description: 'Ce qui a suivi : emploi, formation, création d’activité, en recherche, sans nouvelles.',
      },
      { key: 'suite_date', header: 'Date de la suite', description: 'Date de cette suite.' },
    ];
    return {
      name: `participants-${year}`,
      title: 'Participant·es',
      columns: contacts ? [...columns, ...CONTACT_COLUMNS] : columns,
      rows: (function* () {
        for (const r of indicators.attendanceRows)
          yield {
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
            ...contactCells(contacts, r.personId),
          };
      })(),
    };
  }
  if (dataset === 'accompagnements') {
    const columns: Column[] = [
      {
        key: 'annee',
        header: 'Année',
        description: 'Année des indicateurs : l’accompagnement était en cours à un moment de cette année.',
      },
      {
        key: 'accompagnement',
        header: 'N° accompagnement',
        description: 'Numéro de l’accompagnement dans l’extranet.',
      },
      { key: 'personne', header: 'N° personne', description: 'Numéro de la personne accompagnée.' },
      { key: 'territoire', header: 'Territoire', description: 'Territoire de la personne.' },
      { key: 'debut', header: 'Début', description: 'Date du début de l’accompagnement.' },
      { key: 'fin', header: 'Fin', description: 'Date de fin, vide s’il est en cours.' },
      {
        key: 'phase',
        header: 'Phase',
        description:
          'Phase à la fin de l’année (ou à la fin de l’accompagnement) : émergence, maturation, création, développement.',
      },
      {
        key: 'phases',
        header: 'Historique des phases',
        description: 'Chaque phase avec sa date de début, dans l’ordre.',
      },
      {
        key: 'issue',
        header: 'Issue',
        description: '« Activité créée » ou « Arrêt », vide s’il est en cours.',
      },
      { key: 'forme', header: 'Forme juridique', description: 'Forme juridique de l’activité créée.' },
      {
        key: 'date_issue',
        header: 'Date de l’issue',
        description: 'Date de création de l’activité ou de l’arrêt.',
      },
      { key: 'emplois', header: 'Emplois créés', description: 'Nombre d’emplois créés avec l’activité.' },
      {
        key: 'motif',
        header: 'Motif d’arrêt',
        description: 'Pourquoi l’accompagnement s’est arrêté sans activité créée.',
      },
    ];
    return {
      name: `accompagnements-${year}`,
      title: 'Accompagnements',
      columns: contacts ? [...columns, ...CONTACT_COLUMNS] : columns,
      rows: (function* () {
        for (const s of indicators.supportRows)
          yield {
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
            ...contactCells(contacts, s.personId),
          };
      })(),
    };
  }
  return {
    name: `indicateurs-${year}`,
    title: 'Indicateurs',
    columns: [
      { key: 'annee', header: 'Année', description: 'Année des indicateurs.' },
      {
        key: 'indicateur',
        header: 'Indicateur',
        description: 'Ce qui est compté (définitions sur la page Indicateurs).',
      },
      { key: 'valeur', header: 'Valeur', description: 'Le nombre pour l’année et les territoires choisis.' },
      { key: 'objectif', header: 'Objectif', description: 'L’objectif de l’année, quand il y en a un.' },
    ],
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

function csvField(value: Cell): string {
  const v = neutralise(value);
  if (v === null) return '';
  const s = String(v);
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV with a BOM (so Excel reads UTF-8), `;`-separated, CRLF line ends. */
export function* csvChunks(table: ExportTable): Generator<string> {
  yield `\uFEFF${table.columns.map((c) => csvField(c.header)).join(';')}\r\n`;
  for (const row of table.rows)
    yield `${table.columns.map((c) => csvField(row[c.key] ?? null)).join(';')}\r\n`;
}

/**
 * Writes the table as an XLSX to `out`, streamed: each row is committed as soon as it is written.
 * A second sheet, « Colonnes », explains every column.
 */
export async function writeXlsx(table: ExportTable, out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  wb.creator = 'Extranet Maillage';
  const sheet = wb.addWorksheet(table.title);
  sheet.addRow(table.columns.map((c) => c.header)).commit();
  let n = 0;
  for (const row of table.rows) {
    sheet.addRow(table.columns.map((c) => neutralise(row[c.key] ?? null))).commit();
    // Let the zip stream drain what is written, and wait for a slow reader: memory stays flat.
    if (++n % 500 === 0) {
      await new Promise((r) => setImmediate(r));
      // (or for the reader to go: a closed download ends the export with an error, logged)
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  }
  sheet.commit();
  const help = wb.addWorksheet('Colonnes');
  help.addRow(['Colonne', 'Ce qu’elle contient']).commit();
  for (const c of table.columns) help.addRow([neutralise(c.header), neutralise(c.description)]).commit();
  help.commit();
  await wb.commit();
}

/** The XLSX as a web stream, for a Response body. */
export function xlsxStream(table: ExportTable, onError: (e: unknown) => void): ReadableStream<Uint8Array> {
  const pass = new PassThrough();
  writeXlsx(table, pass).catch((e) => {
    onError(e);
    pass.destroy(e as Error);
  });
  return Readable.toWeb(pass) as ReadableStream<Uint8Array>;
}

/** The CSV as a web stream. */
export function csvStream(table: ExportTable): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = csvChunks(table);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}
