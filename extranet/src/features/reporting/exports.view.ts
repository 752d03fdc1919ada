import { once } from 'node:events';
import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { OUTCOME_LABEL } from '../sessions/sessions.rules.ts';
import { END_REASONS, LEGAL_FORMS, PHASE_LABEL } from '../supports/supports.rules.ts';
import { territoryName } from '../territories/territories.ts';
import { selectContacts } from './indicators.repository.ts';
import { type Dataset, type Indicators, SOURCE_LABEL, VARIANT_LABEL } from './reporting.rules.ts';

/**
 * Exports for funders (issue 11, item 3): CSV (UTF-8 with BOM, `;` as Excel expects in French) and
 * XLSX (exceljs' streaming writer: rows go out as they are written, memory does not grow with
 * them), built from the numbers and rows of `computeIndicators` — nothing else is counted. Only
 * what funders need: no notes, needs or free text; contact details only when an admin asks.
 */

// ── a table to export, and what every cell goes through ─────────────────────────────────────

export type Cell = string | number | null;
interface Column {
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

/** Columns written as [key, header, description] lines. */
const columns = (lines: [key: string, header: string, description: string][]): Column[] =>
  lines.map(([key, header, description]) => ({ key, header, description }));

/**
 * A text cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is
 * prefixed with an apostrophe: it stays text, and nothing runs when the file is opened.
 */
export function neutralise(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// What each export's columns are called and hold: the header row, and the « Colonnes » sheet that
// explains them to funders.

/** One line per person and session (Parcours or training) of the year. */
const PARTICIPANT_COLUMNS = columns([
  ['annee', 'Année', 'Année des indicateurs (année de la première demi-journée de la session).'],
  ['session', 'Session', 'Identifiant de la session (celui du site).'],
  ['type', 'Type', 'Parcours des Possibles (emploi, création, compétences) ou formation.'],
  ['territoire', 'Territoire', 'Territoire de la session.'],
  ['debut', 'Début', 'Date de la première demi-journée (AAAA-MM-JJ).'],
  ['fin', 'Fin', 'Date de la dernière demi-journée.'],
  ['personne', 'N° personne', 'Numéro de la personne dans l’extranet (le même d’une ligne à l’autre).'],
  ['commune', 'Commune (INSEE)', 'Code INSEE de la commune de la personne.'],
  [
    'rsa',
    'Bénéficiaire du RSA',
    '« oui » si la personne a dit toucher le RSA (revenu de solidarité active).',
  ],
  ['demandeur', 'Demandeur·se d’emploi', '« oui » si la personne est inscrite comme demandeuse d’emploi.'],
  [
    'demi_journees',
    'Demi-journées',
    'Nombre de demi-journées (ou de jours pour une formation) de la session.',
  ],
  ['presences', 'Présences', 'Demi-journées où la personne était présente.'],
  [
    'participant',
    'Participant·e',
    '« oui » si la personne est venue au moins une demi-journée : elle compte alors dans les participant·es.',
  ],
  [
    'termine',
    'Parcours terminé',
    '« oui » à partir de 4 demi-journées de présence (toutes, pour une session plus courte).',
  ],
  [
    'suite',
    'Suite du Parcours',
    'Ce qui a suivi : emploi, formation, création d’activité, en recherche, sans nouvelles.',
  ],
  ['suite_date', 'Date de la suite', 'Date de cette suite.'],
]);

/** One line per support active in the year. */
const SUPPORT_COLUMNS = columns([
  ['annee', 'Année', 'Année des indicateurs : l’accompagnement était en cours à un moment de cette année.'],
  ['accompagnement', 'N° accompagnement', 'Numéro de l’accompagnement dans l’extranet.'],
  ['personne', 'N° personne', 'Numéro de la personne accompagnée.'],
  ['territoire', 'Territoire', 'Territoire de la personne.'],
  ['debut', 'Début', 'Date du début de l’accompagnement.'],
  ['fin', 'Fin', 'Date de fin, vide s’il est en cours.'],
  [
    'phase',
    'Phase',
    'Phase à la fin de l’année (ou à la fin de l’accompagnement) : émergence, maturation, création, développement.',
  ],
  ['phases', 'Historique des phases', 'Chaque phase avec sa date de début, dans l’ordre.'],
  ['issue', 'Issue', '« Activité créée » ou « Arrêt », vide s’il est en cours.'],
  ['forme', 'Forme juridique', 'Forme juridique de l’activité créée.'],
  ['date_issue', 'Date de l’issue', 'Date de création de l’activité ou de l’arrêt.'],
  ['emplois', 'Emplois créés', 'Nombre d’emplois créés avec l’activité.'],
  ['motif', 'Motif d’arrêt', 'Pourquoi l’accompagnement s’est arrêté sans activité créée.'],
]);

/** The indicators, one per line. */
const INDICATOR_COLUMNS = columns([
  ['annee', 'Année', 'Année des indicateurs.'],
  ['indicateur', 'Indicateur', 'Ce qui est compté (définitions sur la page Indicateurs).'],
  ['valeur', 'Valeur', 'Le nombre pour l’année et les territoires choisis.'],
  ['objectif', 'Objectif', 'L’objectif de l’année, quand il y en a un.'],
]);

/** Added only when an admin asks for contact details. */
const CONTACT_COLUMNS = columns([
  ['prenom', 'Prénom', 'Prénom de la personne (coordonnées demandées par un·e administrateur·rice).'],
  ['nom', 'Nom', 'Nom de la personne.'],
  ['telephone', 'Téléphone', 'Téléphone de la personne.'],
  ['email', 'E-mail', 'Adresse e-mail de la personne, si elle l’a donnée.'],
]);

// ── the tables: one per dataset ───────────────────────────────────────────────────────────

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
    const rows = await selectContacts(db, ids.slice(i, i + 500));
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

/** No-shows and messages (reach.service.ts gives the definitions): counts, and rates in percent. */
function reachLines(r: Indicators['reach']): [string, number][] {
  const percent = (x: number) => Math.round(x * 1000) / 10;
  const lines: [string, number][] = [];
  for (const [kind, label] of [
    ['parcours', 'Demi-journées de Parcours'],
    ['rendez-vous', 'Rendez-vous'],
  ] as const) {
    const t = r.noShows.total[kind];
    lines.push([`${label} — présences`, t.came], [`${label} — absences excusées`, t.excused]);
    lines.push([`${label} — absences non prévenues`, t.noShow]);
    if (t.rate !== null) lines.push([`${label} — taux d’absence non prévenue (%)`, percent(t.rate)]);
  }
  const { sms, email, calls } = r.messages;
  lines.push(['SMS envoyés par le fournisseur', sms.sent], ['SMS délivrés', sms.delivered]);
  if (sms.rate !== null) lines.push(['SMS — taux de remise (%)', percent(sms.rate)]);
  lines.push(['SMS envoyés à la main', sms.byHand], ['SMS facturés (segments)', sms.segments]);
  lines.push(['E-mails aux personnes', email.total], ['E-mails acceptés par le serveur', email.accepted]);
  lines.push(['Appels à passer', calls.total], ['Appels passés', calls.done]);
  return lines;
}

/** The indicators as label / value / target lines: the page's summary, the CSV and the XLSX. */
function indicatorLines(i: Indicators): [string, number, number?][] {
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
    ...reachLines(i.reach),
  ];
}

// ── CSV ─────────────────────────────────────────────────────────────────────────────────────

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

// ── XLSX ────────────────────────────────────────────────────────────────────────────────────

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
