import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Kysely } from 'kysely';
import type { Database, NoteTable } from '../../db/database.ts';
import { findAccountIdByEmail } from '../accounts/accounts.repository.ts';
import type { Phase } from '../supports/supports.rules.ts';
import {
  claimMarker,
  findPersonByPhone,
  insertDemoPerson,
  insertNote,
  insertSupport,
  insertSupportPhase,
  markerOf,
} from './demo.repository.ts';

/**
 * Demo follow-up (issue 10, people half): five supports in different phases with notes and next
 * actions — one action late, one support quiet for 60 days — and one support ended with an
 * activity created. All dates are computed from the clock, so the demo always looks current.
 * Idempotent: a marker in app_state, and people keyed by their (fictitious) phone numbers.
 */

interface DemoNote {
  daysAgo: number;
  kind: NoteTable['kind'];
  body: string;
  action?: { text: string; dueInDays: number };
}

interface DemoSupport {
  firstName: string;
  lastName: string;
  phone: string;
  commune: { insee: string; name: string; territory: string };
  rsa: string;
  /** phase → days ago it began, in order */
  phases: [Phase, number][];
  notes: DemoNote[];
  ended?: { daysAgo: number; activity: string; legalForm: string; jobs: number };
}

const VALENCIENNES = { insee: '59606', name: 'Valenciennes', territory: 'valenciennois' };
const DOUAI = { insee: '59178', name: 'Douai', territory: 'douaisis' };

const SUPPORTS: DemoSupport[] = [
  {
    firstName: 'Fatima',
    lastName: 'Zerrouki',
    phone: '+33700000101',
    commune: VALENCIENNES,
    rsa: 'oui',
    phases: [['emergence', 20]],
    notes: [
      {
        daysAgo: 20,
        kind: 'entretien',
        body: 'Premier entretien. Idée : un service de retouches et de couture à domicile pour les personnes âgées.',
        action: { text: 'Envoyer les dates du prochain Parcours création', dueInDays: 5 },
      },
    ],
  },
  {
    firstName: 'Olivier',
    lastName: 'Carpentier',
    phone: '+33700000102',
    commune: DOUAI,
    rsa: 'oui',
    phases: [
      ['emergence', 200],
      ['maturation', 90],
    ],
    notes: [
      {
        daysAgo: 200,
        kind: 'entretien',
        body: 'Projet de maraîchage bio en circuit court, terrain familial à Cuincy.',
      },
      {
        daysAgo: 90,
        kind: 'rendez-vous-partenaire',
        body: 'Rencontre avec la chambre d’agriculture : étude de sol à prévoir.',
      },
      {
        daysAgo: 12,
        kind: 'appel',
        body: 'Il attend le résultat de l’étude de sol. Budget prévisionnel à reprendre ensemble.',
        action: { text: 'Reprendre le budget prévisionnel avec Olivier', dueInDays: -3 },
      },
    ],
  },
  {
    firstName: 'Mélanie',
    lastName: 'Dupont',
    phone: '+33700000103',
    commune: VALENCIENNES,
    rsa: 'non',
    phases: [
      ['emergence', 400],
      ['maturation', 300],
      ['creation', 120],
    ],
    notes: [
      {
        daysAgo: 400,
        kind: 'entretien',
        body: 'Projet d’épicerie solidaire de quartier, avec une association de locataires.',
      },
      {
        daysAgo: 120,
        kind: 'atelier',
        body: 'Atelier statuts associatifs : choix d’une association collégiale.',
      },
      { daysAgo: 60, kind: 'appel', body: 'Recherche de local en cours. Pas de nouvelles depuis.' },
    ],
  },
  {
    firstName: 'Rachid',
    lastName: 'Benaïssa',
    phone: '+33700000104',
    commune: DOUAI,
    rsa: 'oui',
    phases: [
      ['emergence', 800],
      ['maturation', 650],
      ['creation', 420],
      ['developpement', 150],
    ],
    notes: [
      {
        daysAgo: 420,
        kind: 'entretien',
        body: 'Création de l’atelier de réparation de vélos (SCIC en projet).',
      },
      {
        daysAgo: 6,
        kind: 'rendez-vous-partenaire',
        body: 'Point avec la communauté d’agglomération : un second local possible à Sin-le-Noble.',
        action: { text: 'Appeler Rachid pour la visite du local', dueInDays: 0 },
      },
    ],
  },
  {
    firstName: 'Aurélie',
    lastName: 'Lambert',
    phone: '+33700000105',
    commune: VALENCIENNES,
    rsa: 'ne-se-prononce-pas',
    phases: [
      ['emergence', 120],
      ['maturation', 30],
    ],
    notes: [
      {
        daysAgo: 9,
        kind: 'entretien',
        body: 'Projet de ludothèque itinérante : elle a trouvé deux communes intéressées.',
        action: { text: 'Mettre Aurélie en lien avec le réseau des ludothèques', dueInDays: 14 },
      },
    ],
  },
  {
    firstName: 'Thierry',
    lastName: 'Vandamme',
    phone: '+33700000106',
    commune: VALENCIENNES,
    rsa: 'oui',
    phases: [
      ['emergence', 900],
      ['maturation', 760],
      ['creation', 500],
    ],
    notes: [
      { daysAgo: 500, kind: 'atelier', body: 'Atelier « employeur associatif » : statuts déposés.' },
      {
        daysAgo: 30,
        kind: 'entretien',
        body: 'Bilan de fin d’accompagnement : la ressourcerie a embauché deux salariés.',
      },
    ],
    ended: { daysAgo: 30, activity: 'La Ressourcerie du Coron', legalForm: 'association', jobs: 2 },
  },
];

export async function seedDemoFollowUp(db: Kysely<Database>, advisorEmail: string): Promise<number> {
  if (await markerOf(db, 'demo_followup')) return 0;
  const advisor = await findAccountIdByEmail(db, advisorEmail);
  if (!advisor) return 0;
  const today = parisDate();
  const at = (daysAgo: number, time = '10:00') => parisInstant(addDays(today, -daysAgo), time).toISOString();
  let n = 0;
  await db.transaction().execute(async (trx) => {
    for (const s of SUPPORTS) {
      const first = s.phases[0]![1];
      const lastNote = Math.min(...s.notes.map((x) => x.daysAgo));
      // Someone already has this (fictitious) number: leave them alone. A select rather than an
      // ON CONFLICT clause: a phone number need not be unique (a family phone).
      if (await findPersonByPhone(trx, s.phone)) continue;
      const personId = await insertDemoPerson(trx, {
        firstName: s.firstName,
        lastName: s.lastName,
        phone: s.phone,
        commune: s.commune,
        territory: s.commune.territory,
        rsa: s.rsa,
        jobSeeker: 'oui',
        createdAt: at(first + 5),
        lastContactAt: at(lastNote, '12:00'),
      });
      const last = s.phases[s.phases.length - 1]!;
      const supportId = await insertSupport(trx, {
        person_id: personId,
        advisor_id: advisor.id,
        phase: last[0],
        started_at: at(first, '09:30'),
        created_at: at(first, '09:30'),
        updated_at: at(s.ended?.daysAgo ?? last[1], '09:30'),
        ended_at: s.ended ? at(s.ended.daysAgo, '17:00') : null,
        outcome: s.ended ? 'activite-creee' : null,
        activity_name: s.ended?.activity ?? null,
        legal_form: s.ended?.legalForm ?? null,
        jobs_created: s.ended?.jobs ?? null,
        outcome_date: s.ended ? addDays(today, -s.ended.daysAgo) : null,
      });
      for (const [phase, daysAgo] of s.phases)
        await insertSupportPhase(trx, {
          support_id: supportId,
          phase,
          started_on: addDays(today, -daysAgo),
          changed_by: advisor.id,
          created_at: at(daysAgo, '09:30'),
        });
      for (const note of s.notes)
        await insertNote(trx, {
          person_id: personId,
          support_id: supportId,
          author_id: advisor.id,
          kind: note.kind,
          occurred_at: at(note.daysAgo, '12:00'),
          body: note.body,
          next_action: note.action?.text ?? null,
          due_at: note.action ? addDays(today, note.action.dueInDays) : null,
          created_at: at(note.daysAgo, '18:00'),
          updated_at: at(note.daysAgo, '18:00'),
        });
      n++;
    }
    await claimMarker(trx, 'demo_followup');
  });
  return n;
}
