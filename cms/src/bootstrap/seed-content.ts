import { blocks } from './blocks';

/**
 * Demo content from the project description (shared/seed/maillage-project.txt) and design §7.
 * Everything is keyed by slug: seeding creates what is missing and never overwrites an edit.
 */

export const TERRITORIES = [
  {
    slug: 'valenciennois',
    name: 'Valenciennois',
    description:
      'Valenciennes Métropole et la Porte du Hainaut : Marly, Saint-Amand-les-Eaux, Denain et les communes alentour.',
    epciCodes: ['245901160', '200042190'],
    teamEmail: 'valenciennois@maillage.test',
    teamPhone: '03 27 00 00 01',
  },
  {
    slug: 'douaisis',
    name: 'Douaisis',
    description:
      'Douaisis Agglo et Cœur d’Ostrevent : Douai, Sin-le-Noble, Somain, Aniche et les villages autour.',
    epciCodes: ['200044618', '245901152'],
    teamEmail: 'douaisis@maillage.test',
    teamPhone: '03 27 00 00 02',
  },
  {
    slug: 'cambresis',
    name: 'Cambrésis',
    description:
      'Agglomération de Cambrai, Caudrésis et Catésis, Pays Solesmois : Cambrai, Caudry, Le Cateau-Cambrésis, Solesmes.',
    epciCodes: ['200068500', '200030633', '245901038'],
    teamEmail: 'cambresis@maillage.test',
    teamPhone: '03 27 00 00 03',
  },
  {
    slug: 'pevele-carembault',
    name: 'Pévèle-Carembault',
    description:
      'Communauté de communes Pévèle-Carembault : Orchies, Templeuve-en-Pévèle, Cysoing et 35 autres communes.',
    epciCodes: ['200041960'],
    teamEmail: 'pevele@maillage.test',
    teamPhone: '03 20 00 00 04',
  },
] as const;

const PARCOURS_COMMON = {
  kind: 'parcours',
  format: '5 à 7 demi-journées, groupes de 10',
  cost: 'gratuit',
  audience:
    'Personnes qui cherchent un emploi ou qui touchent le RSA (revenu de solidarité active), en particulier dans les villages et les petites villes.',
  eligibility:
    'Habiter le Valenciennois, le Douaisis, le Cambrésis ou la Pévèle-Carembault. Pas de diplôme demandé. Vous pouvez venir de vous-même ou être orienté·e par votre référent RSA, France Travail, la Mission locale ou France Services.',
  diType: 'atelier',
  diPublics: ['demandeurs-emploi', 'beneficiaires-des-minimas-sociaux'],
  diVolumeHoraireHebdomadaire: 3,
  diNombreSemaines: 6,
} as const;

export const PROGRAMS = [
  {
    ...PARCOURS_COMMON,
    slug: 'parcours-emploi',
    title: 'Parcours des Possibles : parcours emploi',
    order: 1,
    summary:
      'En petit groupe, près de chez vous, vous faites le point sur ce que vous savez faire et sur ce que vous aimez. Vous repartez avec des pistes d’emploi concrètes et un plan pour avancer.',
    outcomes:
      'Vous connaissez mieux vos atouts, vous savez quels métiers recrutent près de chez vous et vous avez un plan d’action avec des étapes simples.',
    diThematiques: [
      'choisir-un-metier--identifier-ses-points-forts-et-ses-competences',
      'choisir-un-metier--connaitre-les-opportunites-demploi',
      'preparer-sa-candidature--valoriser-ses-competences',
      'remobilisation--bien-etre-confiance-en-soi',
    ],
    description: blocks(`
## Comment ça se passe
Le parcours dure 5 à 7 demi-journées, en groupe de 10 personnes au plus, dans un lieu proche de chez vous. Une animatrice ou un animateur de Maillage vous accompagne du début à la fin.

## Ce que vous faites
- Vous parlez de votre parcours et de vos envies, sans jugement.
- Vous repérez ce que vous savez déjà faire.
- Vous découvrez les métiers et les employeurs de votre territoire.
- Vous préparez la suite avec votre référent.

C’est gratuit. Si le transport ou la garde d’enfants vous pose problème, dites-le nous : nous cherchons une solution avec vous.`),
  },
  {
    ...PARCOURS_COMMON,
    slug: 'parcours-creation',
    title: 'Parcours des Possibles : parcours création',
    order: 2,
    summary:
      'Vous avez une idée d’activité, même floue ? En groupe, vous la regardez de plus près : à qui elle rend service, ce qu’il faut pour la lancer, et si l’économie sociale et solidaire peut vous aider.',
    outcomes:
      'Vous savez si votre idée peut devenir une activité, quelles sont les prochaines étapes et qui peut vous aider. Vous pouvez ensuite demander un accompagnement individuel.',
    diThematiques: [
      'creer-une-entreprise--definir-son-projet-de-creation-dentreprise',
      'choisir-un-metier--identifier-ses-points-forts-et-ses-competences',
      'remobilisation--lien-social',
    ],
    description: blocks(`
## Comment ça se passe
5 à 7 demi-journées en groupe de 10 personnes au plus, près de chez vous, avec une animatrice ou un animateur de Maillage.

## Ce que vous faites
- Vous présentez votre idée, même si elle n’est pas encore claire.
- Vous rencontrez des personnes qui ont créé leur activité.
- Vous découvrez les formes possibles : association, coopérative, entreprise individuelle.
- Vous repartez avec une feuille de route.

C’est gratuit et sans engagement.`),
  },
  {
    ...PARCOURS_COMMON,
    slug: 'parcours-competences',
    title: 'Parcours des Possibles : parcours compétences',
    order: 3,
    summary:
      'Vous ne savez pas bien ce que vous savez faire ? En groupe, vous mettez des mots sur vos compétences, celles de la vie de tous les jours comme celles du travail, pour reprendre confiance et choisir une formation ou un emploi.',
    outcomes:
      'Vous avez la liste de vos compétences, avec des exemples, et vous savez comment les présenter dans un CV ou un entretien.',
    diThematiques: [
      'choisir-un-metier--identifier-ses-points-forts-et-ses-competences',
      'preparer-sa-candidature--valoriser-ses-competences',
      'preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation',
      'se-former--trouver-sa-formation',
    ],
    description: blocks(`
## Comment ça se passe
5 à 7 demi-journées en groupe de 10 personnes au plus, près de chez vous.

## Ce que vous faites
- Vous racontez ce que vous faites au quotidien : s’occuper de sa famille, bricoler, aider une association…
- Vous transformez ces expériences en compétences.
- Vous préparez un CV simple et vous vous entraînez à parler de vous.

C’est gratuit.`),
  },
  {
    slug: 'accompagnement-individuel-creation-ess',
    title: 'Accompagnement individuel à la création d’activité en ESS',
    kind: 'accompagnement',
    order: 4,
    format: 'Rendez-vous individuels, pendant 3 ans au plus',
    cost: 'gratuit',
    summary:
      'Une conseillère ou un conseiller vous suit, seul à seul, pour créer votre activité dans l’économie sociale et solidaire : de l’idée jusqu’aux premières années, pendant 3 ans au plus.',
    audience:
      'Personnes qui portent un projet utile à leur territoire : épicerie solidaire, maraîchage, culture, services aux habitants…',
    eligibility:
      'Avoir un projet d’activité, même au début. Habiter l’un des quatre territoires. Les personnes qui touchent le RSA ou qui cherchent un emploi sont prioritaires.',
    outcomes:
      'Votre activité est créée ou vous savez pourquoi ne pas la créer. Vous avez un modèle économique, une forme juridique et un réseau de partenaires.',
    diType: 'accompagnement',
    diThematiques: [
      'creer-une-entreprise--definir-son-projet-de-creation-dentreprise',
      'creer-une-entreprise--structurer-son-projet-de-creation-dentreprise',
      'creer-une-entreprise--developper-son-entreprise',
    ],
    // Open to every project holder (priorities are in the eligibility): `tous-publics` stands alone.
    diPublics: ['tous-publics'],
    diVolumeHoraireHebdomadaire: 1,
    diNombreSemaines: 156,
    description: blocks(`
## Quatre étapes, à votre rythme
- Émergence : votre idée devient un projet.
- Maturation : vous vérifiez qu’il répond à un besoin et qu’il peut vivre.
- Création : vous choisissez la forme juridique et vous lancez l’activité.
- Développement : nous restons à vos côtés pendant les premières années.

## Comment ça se passe
Vous rencontrez votre conseillère ou votre conseiller près de chez vous ou par téléphone. Entre les rendez-vous, vous pouvez participer à des ateliers collectifs et à des formations.

C’est gratuit.`),
  },
  {
    slug: 'formation-fonction-employeur-associatif',
    title: 'Formation : la fonction d’employeur associatif',
    kind: 'formation',
    order: 5,
    format: '4 jours',
    cost: 'gratuit',
    summary:
      'Quatre jours pour comprendre ce que veut dire embaucher quand on dirige une association : contrat de travail, aides à l’emploi, paie, obligations et bonnes pratiques.',
    audience:
      'Porteuses et porteurs de projet accompagnés par Maillage, bénévoles dirigeants d’une petite association qui veut embaucher.',
    eligibility:
      'Être accompagné·e par Maillage ou diriger une association du territoire. Places limitées à 10.',
    outcomes:
      'Vous savez préparer une première embauche : choisir le contrat, demander les aides, établir une fiche de poste et organiser le travail.',
    diType: 'formation',
    diThematiques: [
      'creer-une-entreprise--developper-son-entreprise',
      'creer-une-entreprise--structurer-son-projet-de-creation-dentreprise',
    ],
    diPublics: ['tous-publics'],
    diVolumeHoraireHebdomadaire: 14,
    diNombreSemaines: 2,
    description: blocks(`
## Programme
- Jour 1 : l’association employeuse, droits et devoirs.
- Jour 2 : les contrats de travail et les aides à l’emploi.
- Jour 3 : la paie, les déclarations et le budget d’un poste.
- Jour 4 : recruter, accueillir et accompagner une personne salariée.

La formation a lieu chez Oscaar, à Marly. Le repas de midi est offert.`),
  },
] as const;

type ProgramSlug = (typeof PROGRAMS)[number]['slug'];
type TerritorySlug = (typeof TERRITORIES)[number]['slug'];

interface VenueSeed {
  name: string;
  address: string;
  postcode: string;
  commune: string;
  inseeCode: string;
  accessNotes: string;
  stepFreeAccess: boolean;
  latitude?: number;
  longitude?: number;
}

/** A dated session: its slots are computed from "today" when it is first seeded. */
export interface EventSeed {
  slug: string;
  title: string;
  kind: 'session' | 'information';
  program: ProgramSlug;
  territory: TerritorySlug;
  venue: VenueSeed;
  /** First slot: this many days from today (then moved to the next `weekdays` day). */
  startInDays: number;
  /** ISO weekdays (1 = Monday) on which slots take place, e.g. [2] weekly on Tuesday, [1, 4] twice a week. */
  weekdays: number[];
  slotCount: number;
  start: string;
  end: string;
  slotLabels?: string[];
  practicalNotes: string;
  description: string;
}

const MORNING = { start: '09:00', end: '12:00' } as const;
const AFTERNOON = { start: '13:30', end: '16:30' } as const;
const PRACTICAL =
  'Garde d’enfants : dites-le nous à l’inscription, nous cherchons une solution avec vous. Transport : une aide est possible (ticket de bus, covoiturage).';

export const EVENTS: EventSeed[] = [
  {
    slug: 'parcours-creation-saint-amand-les-eaux',
    title: 'Parcours création à Saint-Amand-les-Eaux',
    kind: 'session',
    program: 'parcours-creation',
    territory: 'valenciennois',
    venue: {
      name: 'Maison des associations',
      address: '12 rue d’Orchies',
      postcode: '59230',
      commune: 'Saint-Amand-les-Eaux',
      inseeCode: '59526',
      accessNotes:
        'Bus ligne 103, arrêt Grand-Place (3 minutes à pied). Parking gratuit place du Marché-aux-Poissons.',
      stepFreeAccess: true,
    },
    startInDays: 9,
    weekdays: [2],
    slotCount: 6,
    ...MORNING,
    practicalNotes: PRACTICAL,
    description: 'Six mardis matin pour regarder votre idée d’activité de plus près, en groupe.',
  },
  {
    slug: 'formation-employeur-associatif-marly',
    title: 'Formation employeur associatif chez Oscaar, à Marly',
    kind: 'session',
    program: 'formation-fonction-employeur-associatif',
    territory: 'valenciennois',
    venue: {
      name: 'Oscaar',
      address: '2 rue des Déportés',
      postcode: '59770',
      commune: 'Marly',
      inseeCode: '59383',
      accessNotes: 'Tramway ligne 1, arrêt Marly Centre (5 minutes à pied). Parking sur place.',
      stepFreeAccess: true,
    },
    startInDays: 20,
    weekdays: [4, 5],
    slotCount: 4,
    start: '09:00',
    end: '16:30',
    slotLabels: [
      'Jour 1 : l’association employeuse',
      'Jour 2 : contrats et aides',
      'Jour 3 : paie et budget',
      'Jour 4 : recruter et accueillir',
    ],
    practicalNotes: 'Repas de midi offert. Apportez de quoi prendre des notes.',
    description: 'Quatre journées de formation, deux jeudis et deux vendredis.',
  },
  {
    slug: 'reunion-information-accompagnement-denain',
    title: 'Réunion d’information : créer son activité avec Maillage, à Denain',
    kind: 'information',
    program: 'accompagnement-individuel-creation-ess',
    territory: 'valenciennois',
    venue: {
      name: 'Médiathèque Gustave-Ansart',
      address: '2 place Wilson',
      postcode: '59220',
      commune: 'Denain',
      inseeCode: '59172',
      accessNotes: 'Tramway ligne 1, arrêt Denain Centre. Parking place Wilson.',
      stepFreeAccess: true,
    },
    startInDays: 6,
    weekdays: [3],
    slotCount: 1,
    start: '14:00',
    end: '16:00',
    practicalNotes: 'Entrée libre, sur inscription. Venez avec vos questions.',
    description: 'Une heure et demie pour découvrir l’accompagnement individuel et poser vos questions.',
  },
  {
    slug: 'parcours-emploi-somain',
    title: 'Parcours emploi à Somain',
    kind: 'session',
    program: 'parcours-emploi',
    territory: 'douaisis',
    venue: {
      name: 'Centre social Agate',
      address: '5 rue Jean-Jaurès',
      postcode: '59490',
      commune: 'Somain',
      inseeCode: '59574',
      accessNotes:
        'Gare de Somain à 10 minutes à pied. Bus ligne 20, arrêt Mairie. Parking derrière la mairie.',
      stepFreeAccess: true,
    },
    startInDays: 8,
    weekdays: [1, 4],
    slotCount: 5,
    ...AFTERNOON,
    practicalNotes: PRACTICAL,
    description: 'Cinq après-midi, le lundi et le jeudi, pour trouver des pistes d’emploi près de chez vous.',
  },
  {
    slug: 'parcours-competences-douai',
    title: 'Parcours compétences à Douai',
    kind: 'session',
    program: 'parcours-competences',
    territory: 'douaisis',
    venue: {
      name: 'Maison de quartier Frais-Marais',
      address: '140 rue de la Fonderie',
      postcode: '59500',
      commune: 'Douai',
      inseeCode: '59178',
      accessNotes:
        'Bus Evéole ligne A, arrêt Frais-Marais. Parking gratuit devant le bâtiment. Accès par une marche de 15 cm.',
      stepFreeAccess: false,
    },
    startInDays: 15,
    weekdays: [5],
    slotCount: 7,
    ...MORNING,
    practicalNotes: PRACTICAL,
    description: 'Sept vendredis matin pour mettre des mots sur vos compétences.',
  },
  {
    slug: 'parcours-creation-le-cateau-cambresis',
    title: 'Parcours création au Cateau-Cambrésis',
    kind: 'session',
    program: 'parcours-creation',
    territory: 'cambresis',
    venue: {
      name: 'Espace France Services',
      address: '21 place du Commandant-Richez',
      postcode: '59360',
      commune: 'Le Cateau-Cambrésis',
      inseeCode: '59136',
      accessNotes: 'Bus Arc-en-Ciel ligne 312, arrêt Place. Parking gratuit place du Commandant-Richez.',
      stepFreeAccess: true,
    },
    startInDays: 10,
    weekdays: [3],
    slotCount: 6,
    ...MORNING,
    practicalNotes: PRACTICAL,
    description: 'Six mercredis matin pour travailler votre idée d’activité en groupe.',
  },
  {
    slug: 'parcours-emploi-cambrai',
    title: 'Parcours emploi à Cambrai',
    kind: 'session',
    program: 'parcours-emploi',
    territory: 'cambresis',
    venue: {
      name: 'Centre social Martin-Martine',
      address: '8 rue Pasteur',
      postcode: '59400',
      commune: 'Cambrai',
      inseeCode: '59122',
      accessNotes: 'Bus TUC ligne 1, arrêt Martin-Martine. Parking rue Pasteur.',
      stepFreeAccess: true,
    },
    startInDays: 22,
    weekdays: [2, 5],
    slotCount: 5,
    ...AFTERNOON,
    practicalNotes: PRACTICAL,
    description: 'Cinq après-midi, le mardi et le vendredi.',
  },
  {
    slug: 'parcours-competences-orchies',
    title: 'Parcours compétences à Orchies',
    kind: 'session',
    program: 'parcours-competences',
    territory: 'pevele-carembault',
    venue: {
      name: 'Pôle emploi-formation de la Pévèle',
      address: '3 rue Jules-Roch',
      postcode: '59310',
      commune: 'Orchies',
      inseeCode: '59449',
      accessNotes:
        'Gare d’Orchies à 8 minutes à pied. Bus Arc-en-Ciel ligne 225, arrêt Place. Parking gratuit.',
      stepFreeAccess: true,
    },
    startInDays: 11,
    weekdays: [4],
    slotCount: 6,
    ...AFTERNOON,
    practicalNotes: PRACTICAL,
    description: 'Six jeudis après-midi pour reprendre confiance et choisir la suite.',
  },
  {
    slug: 'parcours-creation-templeuve-en-pevele',
    title: 'Parcours création à Templeuve-en-Pévèle',
    kind: 'session',
    program: 'parcours-creation',
    territory: 'pevele-carembault',
    venue: {
      name: 'Salle des associations',
      address: '1 place du Général-de-Gaulle',
      postcode: '59242',
      commune: 'Templeuve-en-Pévèle',
      inseeCode: '59586',
      accessNotes: 'Gare de Templeuve à 5 minutes à pied. Parking de la mairie.',
      stepFreeAccess: true,
    },
    startInDays: 29,
    weekdays: [1, 3],
    slotCount: 5,
    ...MORNING,
    practicalNotes: PRACTICAL,
    description: 'Cinq matinées, le lundi et le mercredi, pour tester votre idée d’activité.',
  },
];

export const STORIES = [
  {
    slug: 'une-epicerie-solidaire-a-somain',
    title: 'Une épicerie solidaire au cœur de Somain',
    displayName: 'Nadia',
    sector: 'épicerie solidaire',
    territory: 'douaisis',
    program: 'accompagnement-individuel-creation-ess',
    year: 2022,
    consentDate: '2023-03-14',
    consentScope: 'site-et-reseaux',
    summary:
      'Après plusieurs années au RSA, Nadia a ouvert une épicerie solidaire avec trois voisines. Elle propose des produits à petits prix et un coin café où les habitants se retrouvent.',
    quote:
      'On m’a aidée à croire que mon idée valait quelque chose. Aujourd’hui, l’épicerie fait vivre le quartier.',
    body: blocks(`
Nadia a commencé par le parcours création, à côté de chez elle. « Je ne pensais pas être capable de monter quelque chose », dit-elle.

Pendant deux ans, sa conseillère l’a aidée à trouver un local, à créer l’association et à obtenir les premières subventions. L’épicerie compte aujourd’hui 150 familles adhérentes et une salariée.`),
  },
  {
    slug: 'du-maraichage-bio-en-pevele',
    title: 'Du maraîchage bio en Pévèle',
    displayName: 'Julien',
    sector: 'maraîchage',
    territory: 'pevele-carembault',
    program: 'accompagnement-individuel-creation-ess',
    year: 2022,
    consentDate: '2023-01-20',
    consentScope: 'site',
    summary:
      'Julien cultive un hectare de légumes bio près de Cysoing. Il vend ses paniers aux habitants et accueille des personnes en insertion sur sa parcelle.',
    quote:
      'Le plus dur, c’était de trouver la terre. Maillage m’a mis en relation avec les bonnes personnes.',
    body: blocks(`
Ancien ouvrier, Julien voulait travailler dehors et nourrir les gens de son village. Avec l’accompagnement individuel, il a bâti son modèle : des paniers hebdomadaires et une coopérative avec deux autres maraîchers.

Trois ans plus tard, il vit de son activité et forme chaque année deux personnes éloignées de l’emploi.`),
  },
  {
    slug: 'un-cafe-culturel-a-caudry',
    title: 'Un café culturel à Caudry',
    displayName: 'Sofia',
    sector: 'culture',
    territory: 'cambresis',
    program: 'parcours-creation',
    year: 2023,
    consentDate: '2024-02-05',
    consentScope: 'site-reseaux-et-presse',
    summary:
      'Sofia a créé un café culturel associatif : concerts, ateliers d’écriture et spectacles pour les enfants, dans une ville où il n’y avait plus de lieu pour se retrouver.',
    quote: 'Le parcours m’a donné le déclic, l’accompagnement m’a donné la méthode.',
    body: blocks(`
Sofia a découvert Maillage lors d’une réunion d’information. Après le parcours création, elle a été accompagnée pour écrire son projet associatif et trouver ses premiers partenaires.

Le café accueille aujourd’hui une animation par semaine et emploie une personne en contrat aidé.`),
  },
] as const;

export const PAGES = [
  {
    slug: 'a-propos',
    title: 'À propos de Maillage',
    summary:
      'Depuis 2000, Maillage aide les habitantes et habitants du bassin minier à créer leur activité dans l’économie sociale et solidaire.',
    body: blocks(`
## Qui sommes-nous ?
Maillage est une association créée en 2000. Elle accompagne des projets individuels ou collectifs, associatifs ou d’entreprise, qui créent des emplois et portent les valeurs de l’économie sociale et solidaire (ESS).

## Pourquoi dans les villages et les petites villes ?
Dans les zones rurales du bassin minier, le chômage est plus élevé qu’ailleurs dans la région (19,5 % contre 17,1 %). Beaucoup de personnes ont une idée pour créer leur propre emploi, mais l’accompagnement est loin et les déplacements sont difficiles. Nous venons donc près de chez vous : dans le Valenciennois, le Douaisis, le Cambrésis et la Pévèle-Carembault.

## Ce que nous proposons
- Les Parcours des Possibles : 5 à 7 demi-journées en groupe de 10 personnes.
- L’accompagnement individuel à la création d’activité en ESS, pendant 3 ans au plus.
- Des formations, par exemple sur le rôle d’employeur associatif.

## Nos objectifs chaque année
55 participantes et participants aux Parcours des Possibles et 20 porteuses et porteurs de projet accompagnés individuellement.`),
  },
  {
    slug: 'mentions-legales',
    title: 'Mentions légales',
    summary: 'Qui publie ce site, qui l’héberge et comment nous contacter.',
    body: blocks(`
## Éditeur du site
Association Maillage, association loi 1901. Siège : 10 rue de la Solidarité, 59300 Valenciennes. Téléphone : 03 27 00 00 00. E-mail : contact@maillage.test.

## Directrice de la publication
La présidente de l’association.

## Hébergement
Le site est hébergé en France par l’hébergeur de l’association. Ses coordonnées sont disponibles sur demande.

## Contenus
Les textes et les photos de ce site appartiennent à Maillage ou aux personnes qui ont accepté leur publication. Vous pouvez les citer en indiquant la source. Les témoignages sont publiés avec l’accord écrit des personnes.`),
  },
  {
    slug: 'donnees-personnelles',
    title: 'Vos données personnelles',
    summary:
      'Ce que nous faisons des informations que vous nous donnez, combien de temps nous les gardons et quels sont vos droits.',
    body: blocks(`
## Ce que nous collectons
Quand vous vous inscrivez à une session ou demandez un accompagnement, nous enregistrons votre nom, votre téléphone, votre commune et, si vous le voulez, votre adresse e-mail. Nous vous demandons aussi votre situation (RSA, demande d’emploi) pour rendre compte à nos financeurs, de façon anonyme.

## Pourquoi
Pour vous recontacter, organiser les sessions et vous accompagner. Nous ne vendons ni ne prêtons jamais vos informations.

## Qui y a accès
Seule l’équipe de Maillage qui vous accompagne. Les personnes qui écrivent sur le site n’y ont pas accès.

## Combien de temps
{durée de conservation} après notre dernier contact, puis vos données sont effacées.

## Vos droits
Vous pouvez demander à voir, corriger ou effacer vos informations, ou vous opposer à leur utilisation : écrivez à dpo@maillage.test ou appelez le 03 27 00 00 00. Si vous n’êtes pas satisfait·e de notre réponse, vous pouvez vous adresser à la CNIL (Commission nationale de l’informatique et des libertés).

## Cookies
Ce site n’utilise pas de cookie de suivi ni de mesure d’audience.`),
  },
  {
    slug: 'accessibilite',
    title: 'Déclaration d’accessibilité',
    summary:
      'Maillage veut que son site soit utilisable par toutes et tous, y compris avec un lecteur d’écran ou au clavier.',
    body: blocks(`
## Notre engagement
L’association Maillage s’engage à rendre son site accessible, conformément au RGAA (référentiel général d’amélioration de l’accessibilité), version 4.1.

## État de conformité
Le site est partiellement conforme au RGAA 4.1. Un audit complet est prévu ; en attendant, nous testons chaque page avec un outil automatique et au clavier.

## Ce qui peut encore poser problème
- Certains documents PDF anciens ne sont pas accessibles : demandez-nous une version texte.
- Certaines photos de témoignages anciens peuvent avoir une description incomplète.

## Nous signaler un problème
Si vous n’arrivez pas à utiliser une page ou un service, dites-le nous : par téléphone au 03 27 00 00 00 ou par e-mail à contact@maillage.test. Nous vous répondrons et vous donnerons l’information sous une autre forme.

## Voies de recours
Si notre réponse ne vous convient pas, vous pouvez contacter le Défenseur des droits (www.defenseurdesdroits.fr, ou par courrier gratuit : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07).`),
  },
] as const;

export const GLOBAL = {
  siteName: 'Maillage',
  tagline: 'Créer son activité près de chez soi, dans l’économie sociale et solidaire',
  contactPhone: '03 27 00 00 00',
  contactEmail: 'contact@maillage.test',
  address: 'Association Maillage\n10 rue de la Solidarité\n59300 Valenciennes',
  openingHours: 'Du lundi au vendredi, de 9 h à 12 h 30 et de 13 h 30 à 17 h.',
  funders: [
    {
      name: 'Fonds social européen',
      mention: 'Projet cofinancé par le Fonds social européen dans le cadre du programme national FSE+.',
    },
    {
      name: 'Département du Nord',
      mention: 'Avec le soutien du Département du Nord pour l’accompagnement des bénéficiaires du RSA.',
    },
    { name: 'Région Hauts-de-France', mention: 'Avec le soutien de la Région Hauts-de-France.' },
  ],
  defaultSeo: {
    metaTitle: 'Maillage : créer son activité dans le bassin minier',
    metaDescription:
      'Parcours en groupe, accompagnement individuel et formations gratuites pour créer votre activité dans le Valenciennois, le Douaisis, le Cambrésis et la Pévèle.',
  },
};

/** Alternative text of each program's generated illustration (cms/src/bootstrap/demo-images.ts). */
export const PROGRAM_COVER_ALT = 'Illustration : des collines, un soleil et un chemin qui monte';

/** The FSE+ mention a program it co-funds must show: the European emblem and its sentence. */
export const FSE_MENTION = {
  name: 'Union européenne — Fonds social européen plus (FSE+)',
  mention:
    'Cofinancé par l’Union européenne. Ce programme est soutenu par le Fonds social européen plus (FSE+).',
  logoAlt: 'Emblème de l’Union européenne : douze étoiles jaunes en cercle sur fond bleu',
};

export const NEWS = [
  {
    slug: 'nouvelles-sessions-parcours-creation',
    title: 'De nouvelles sessions du Parcours création en janvier',
    daysAgo: 3,
    territory: 'valenciennois',
    featured: true,
    summary:
      'Trois nouveaux groupes démarrent en janvier à Saint-Amand-les-Eaux, Templeuve et au Cateau-Cambrésis. Dix places par groupe, gratuit.',
    body: blocks(`
Vous avez une idée d’activité ? Les Parcours création reprennent en janvier, près de chez vous.

Inscrivez-vous depuis l’agenda, ou appelez-nous : nous vous aidons à choisir la session qui vous convient.`),
    coverAlt: 'Illustration : un soleil au-dessus de collines vertes',
  },
  {
    slug: 'forum-ess-douaisis',
    title: 'Rencontrez-nous au forum de l’économie sociale et solidaire du Douaisis',
    daysAgo: 12,
    territory: 'douaisis',
    featured: false,
    summary:
      'L’équipe du Douaisis tient un stand au forum de l’ESS : venez poser vos questions sur la création d’activité.',
    body: blocks(`
Le forum réunit les structures de l’économie sociale et solidaire du territoire. Passez nous voir : sans rendez-vous, gratuit.`),
    coverAlt: 'Illustration : un chemin qui traverse des collines sous un soleil orange',
  },
];
