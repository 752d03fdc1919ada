import { columns } from './export.table.ts';

// What each export's columns are called and hold: the header row, and the « Colonnes » sheet that
// explains them to funders.

/** One line per person and session (Parcours or training) of the year. */
export const PARTICIPANT_COLUMNS = columns([
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
export const SUPPORT_COLUMNS = columns([
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
export const INDICATOR_COLUMNS = columns([
  ['annee', 'Année', 'Année des indicateurs.'],
  ['indicateur', 'Indicateur', 'Ce qui est compté (définitions sur la page Indicateurs).'],
  ['valeur', 'Valeur', 'Le nombre pour l’année et les territoires choisis.'],
  ['objectif', 'Objectif', 'L’objectif de l’année, quand il y en a un.'],
]);

/** Added only when an admin asks for contact details. */
export const CONTACT_COLUMNS = columns([
  ['prenom', 'Prénom', 'Prénom de la personne (coordonnées demandées par un·e administrateur·rice).'],
  ['nom', 'Nom', 'Nom de la personne.'],
  ['telephone', 'Téléphone', 'Téléphone de la personne.'],
  ['email', 'E-mail', 'Adresse e-mail de la personne, si elle l’a donnée.'],
]);
