import { parcoursOutcomeKind } from '../sessions/sessions.rules.ts';
import type { Phase } from '../supports/supports.rules.ts';

// The demo history's fixed data: where people live, their names, the venues and the 2022
// project holders as the project description tells them.

export const COMMUNES = {
  valenciennois: [
    { insee: '59606', name: 'Valenciennes' },
    { insee: '59526', name: 'Saint-Amand-les-Eaux' },
    { insee: '59383', name: 'Marly' },
  ],
  douaisis: [
    { insee: '59178', name: 'Douai' },
    { insee: '59574', name: 'Somain' },
  ],
  cambresis: [
    { insee: '59122', name: 'Cambrai' },
    { insee: '59136', name: 'Le Cateau-Cambrésis' },
  ],
  'pevele-carembault': [{ insee: '59449', name: 'Orchies' }],
} as const;
export type Territory = keyof typeof COMMUNES;

export const FIRST = [
  'Aline',
  'Bilal',
  'Chantal',
  'Dylan',
  'Estelle',
  'Farid',
  'Gaëlle',
  'Hugo',
  'Inès',
  'Jordan',
  'Karima',
  'Loïc',
  'Manon',
  'Nordine',
  'Océane',
  'Pascal',
  'Rachida',
  'Steven',
  'Tiphaine',
  'Wassim',
];
export const LAST = [
  'Delattre',
  'Lefebvre',
  'Moreau',
  'Dupuis',
  'Caron',
  'Lemaire',
  'Duhamel',
  'Benmansour',
  'Wattiez',
  'Descamps',
  'Petit',
  'Lecomte',
  'Dufour',
  'Ramdani',
  'Leroy',
  'Hanot',
  'Delcroix',
];

export interface SessionSpec {
  id: string;
  title: string;
  programSlug: string;
  programTitle: string;
  programKind: 'parcours' | 'formation';
  territory: Territory;
  venue: { name: string; address: string; postcode: string; commune: string; inseeCode: string };
  dates: string[];
}

export interface SupportSpec {
  territory: Territory;
  rsa: boolean;
  activity: string;
  phases: [Phase, string][];
  ended?: {
    on: string;
    outcome: 'activite-creee' | 'arret';
    legalForm?: string;
    jobs?: number;
    reason?: string;
  };
}

export const PARCOURS = {
  emploi: { slug: 'parcours-emploi', title: 'Parcours emploi' },
  creation: { slug: 'parcours-creation', title: 'Parcours création' },
  competences: { slug: 'parcours-competences', title: 'Parcours compétences' },
} as const;
export const VENUES: Record<Territory, SessionSpec['venue']> = {
  valenciennois: {
    name: 'Maison de l’emploi',
    address: '8 rue de Famars',
    postcode: '59300',
    commune: 'Valenciennes',
    inseeCode: '59606',
  },
  douaisis: {
    name: 'Centre social',
    address: '2 place du Marché',
    postcode: '59490',
    commune: 'Somain',
    inseeCode: '59574',
  },
  cambresis: {
    name: 'France Services',
    address: '12 rue Saint-Jacques',
    postcode: '59400',
    commune: 'Cambrai',
    inseeCode: '59122',
  },
  'pevele-carembault': {
    name: 'Maison des associations',
    address: '5 rue Jules-Roch',
    postcode: '59310',
    commune: 'Orchies',
    inseeCode: '59449',
  },
};
export const OSCAAR = {
  name: 'Oscaar',
  address: '1 rue des Déportés',
  postcode: '59770',
  commune: 'Marly',
  inseeCode: '59383',
};

/** What came next after a Parcours. */
export const NEXT = parcoursOutcomeKind.options;

/** 11 project holders supported in 2022, in maturation or développement at the end of the year. */
export const SUPPORTS_2022: SupportSpec[] = [
  {
    territory: 'valenciennois',
    rsa: true,
    activity: 'Épicerie solidaire à Saint-Amand-les-Eaux',
    phases: [
      ['emergence', '2021-02-01'],
      ['maturation', '2021-06-14'],
      ['developpement', '2022-04-04'],
    ],
    ended: { on: '2022-10-03', outcome: 'activite-creee', legalForm: 'association', jobs: 2 },
  },
  {
    territory: 'cambresis',
    rsa: true,
    activity: 'Maraîchage biologique au Cateau',
    phases: [
      ['emergence', '2021-09-06'],
      ['maturation', '2022-01-17'],
      ['developpement', '2022-09-12'],
    ],
    ended: { on: '2022-12-15', outcome: 'activite-creee', legalForm: 'entreprise-individuelle', jobs: 1 },
  },
  {
    territory: 'valenciennois',
    rsa: false,
    activity: 'Compagnie de théâtre itinérante (culture)',
    phases: [
      ['emergence', '2021-11-08'],
      ['maturation', '2022-03-07'],
    ],
  },
  {
    territory: 'valenciennois',
    rsa: true,
    activity: 'Ressourcerie',
    phases: [['maturation', '2022-01-10']],
  },
  {
    territory: 'valenciennois',
    rsa: true,
    activity: 'Café associatif',
    phases: [
      ['emergence', '2021-05-03'],
      ['maturation', '2021-10-04'],
      ['developpement', '2022-06-20'],
    ],
  },
  {
    territory: 'valenciennois',
    rsa: false,
    activity: 'Atelier vélo',
    phases: [['maturation', '2022-02-14']],
  },
  {
    territory: 'douaisis',
    rsa: true,
    activity: 'Garde d’enfants à domicile',
    phases: [['maturation', '2022-04-25']],
  },
  {
    territory: 'douaisis',
    rsa: true,
    activity: 'Conciergerie rurale',
    phases: [
      ['maturation', '2021-12-06'],
      ['developpement', '2022-10-10'],
    ],
  },
  {
    territory: 'cambresis',
    rsa: true,
    activity: 'Couture et retouches',
    phases: [['maturation', '2022-05-16']],
  },
  {
    territory: 'pevele-carembault',
    rsa: false,
    activity: 'Jardin partagé',
    phases: [
      ['emergence', '2022-01-24'],
      ['maturation', '2022-07-04'],
    ],
  },
  {
    territory: 'valenciennois',
    rsa: true,
    activity: 'Traiteur solidaire',
    phases: [
      ['maturation', '2021-03-15'],
      ['developpement', '2022-02-07'],
    ],
    ended: { on: '2022-06-30', outcome: 'arret', reason: 'emploi-salarie' },
  },
];
