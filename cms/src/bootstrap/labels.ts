import type { Core } from '@strapi/strapi';

/** French labels (and a few hints) of the content-manager edit and list views. */
type Label = string | { label: string; description?: string; placeholder?: string };

const COVER: Record<string, Label> = {
  cover: 'Image de couverture',
  coverAlt: {
    label: 'Texte alternatif de l’image',
    description: 'Décrit l’image pour les personnes qui ne la voient pas. Obligatoire s’il y a une image.',
  },
};

const SCHEDULE: Record<string, Label> = {
  publishAt: {
    label: 'Publier le',
    description:
      'Date et heure de publication programmée (heure de Paris). Laissez vide pour publier vous-même.',
  },
  unpublishAt: {
    label: 'Dépublier le',
    description: 'Date et heure à laquelle le contenu quitte le site (heure de Paris).',
  },
};

const FEATURED: Record<string, Label> = {
  featured: {
    label: 'À la une',
    description: 'Mis en avant sur la page d’accueil du site.',
  },
};

const CONTENT_TYPE_LABELS: Record<string, Record<string, Label>> = {
  'api::program.program': {
    title: 'Titre',
    slug: {
      label: 'Adresse de la page (slug)',
      description: 'Fabriquée à partir du titre ; évitez de la changer une fois publiée.',
    },
    kind: {
      label: 'Type d’offre',
      description: 'parcours (collectif), accompagnement (individuel) ou formation',
    },
    summary: {
      label: 'Résumé',
      description: 'En français simple, 300 caractères au plus. Il apparaît dans les listes.',
    },
    description: 'Description',
    audience: { label: 'Pour qui ?', description: 'Les personnes à qui s’adresse l’offre.' },
    format: { label: 'Format', placeholder: '5 à 7 demi-journées, groupes de 10' },
    cost: { label: 'Coût', placeholder: 'gratuit' },
    eligibility: { label: 'Conditions pour participer' },
    outcomes: { label: 'Ce que la personne y gagne' },
    diThematiques: {
      label: 'Thématiques data·inclusion',
      description: 'Liste de codes du référentiel data·inclusion (thematiques).',
    },
    diPublics: {
      label: 'Publics data·inclusion',
      description: 'Liste de codes du référentiel data·inclusion (publics).',
    },
    diType: { label: 'Type de service data·inclusion' },
    diVolumeHoraireHebdomadaire: { label: 'Volume horaire par semaine (heures)' },
    diNombreSemaines: { label: 'Nombre de semaines' },
    order: { label: 'Ordre d’affichage', description: 'Les plus petits nombres s’affichent en premier.' },
    events: 'Sessions',
    ...COVER,
    fundingMentions: {
      label: 'Mentions obligatoires des financeurs',
      description:
        'Logo et phrase exigés par chaque financeur de ce programme (par exemple le FSE+ : l’emblème européen et « Cofinancé par l’Union européenne »).',
    },
    ...FEATURED,
    ...SCHEDULE,
    seo: 'Référencement (SEO)',
  },
  'api::event.event': {
    title: 'Titre',
    slug: {
      label: 'Adresse de la page (slug)',
      description: 'Fabriquée à partir du titre ; évitez de la changer une fois publiée.',
    },
    kind: { label: 'Type de session', description: 'session d’un programme, ou réunion d’information' },
    program: 'Programme',
    territory: 'Territoire',
    venue: 'Lieu',
    slots: {
      label: 'Demi-journées',
      description: 'Une ligne par demi-journée : date, heure de début, heure de fin.',
    },
    capacity: { label: 'Nombre de places', description: 'Par défaut 10.' },
    registrationOpensAt: 'Ouverture des inscriptions',
    registrationClosesAt: {
      label: 'Clôture des inscriptions',
      description: 'En général la veille de la première demi-journée.',
    },
    cancelled: {
      label: 'Session annulée',
      description: 'Cochez si la session n’a plus lieu : elle reste visible, marquée « annulée ».',
    },
    practicalNotes: { label: 'Infos pratiques', description: 'Garde d’enfants, aide au transport, repas…' },
    description: 'Description',
    ...COVER,
    ...FEATURED,
    ...SCHEDULE,
    seo: 'Référencement (SEO)',
  },
  'api::story.story': {
    title: 'Titre',
    slug: {
      label: 'Adresse de la page (slug)',
      description: 'Fabriquée à partir du titre ; évitez de la changer une fois publiée.',
    },
    displayName: {
      label: 'Prénom affiché',
      description: 'Prénom ou pseudonyme choisi par la personne. Jamais de nom de famille sans son accord.',
    },
    consentDate: { label: 'Date de l’accord de publication', description: 'Obligatoire pour publier.' },
    consentScope: {
      label: 'Portée de l’accord',
      description: 'Où la personne accepte que son histoire paraisse. Obligatoire pour publier.',
    },
    territory: 'Territoire',
    sector: { label: 'Secteur d’activité', placeholder: 'épicerie solidaire, maraîchage, culture…' },
    program: 'Programme suivi',
    year: 'Année',
    summary: { label: 'Résumé', description: '300 caractères au plus.' },
    body: 'Récit',
    quote: 'Citation',
    cover: 'Image de couverture',
    coverAlt: {
      label: 'Texte alternatif de l’image',
      description: 'Décrit l’image pour les personnes qui ne la voient pas. Obligatoire s’il y a une image.',
    },
    consentWithdrawn: {
      label: 'Accord retiré',
      description:
        'Cochez quand la personne retire son accord : le témoignage quitte le site à l’enregistrement et sa photo est supprimée de la médiathèque.',
    },
    consentWithdrawnAt: { label: 'Date du retrait de l’accord', description: 'Remplie automatiquement.' },
    ...FEATURED,
    ...SCHEDULE,
    seo: 'Référencement (SEO)',
  },
  'api::territory.territory': {
    name: 'Nom',
    slug: 'Adresse de la page (slug)',
    description: 'Description',
    epciCodes: {
      label: 'Codes EPCI (SIREN)',
      description: 'Intercommunalités couvertes, par exemple ["245901160"].',
    },
    teamEmail: 'E-mail de l’équipe',
    teamPhone: 'Téléphone de l’équipe',
    events: 'Sessions',
    stories: 'Témoignages',
  },
  'api::page.page': {
    title: 'Titre',
    slug: 'Adresse de la page (slug)',
    summary: 'Résumé',
    body: 'Contenu',
    ...SCHEDULE,
    seo: 'Référencement (SEO)',
  },
  'api::news.news': {
    title: 'Titre',
    slug: {
      label: 'Adresse de la page (slug)',
      description: 'Fabriquée à partir du titre ; évitez de la changer une fois publiée.',
    },
    date: 'Date',
    ...COVER,
    summary: {
      label: 'Résumé',
      description: '300 caractères au plus. Il apparaît dans les listes et le flux RSS.',
    },
    body: 'Texte',
    territory: 'Territoire',
    ...FEATURED,
    ...SCHEDULE,
    seo: 'Référencement (SEO)',
  },
  'api::global.global': {
    siteName: 'Nom du site',
    tagline: 'Accroche',
    contactPhone: 'Téléphone de contact',
    contactEmail: 'E-mail de contact',
    address: 'Adresse',
    openingHours: 'Horaires d’ouverture',
    shareImage: {
      label: 'Image de partage',
      description:
        'Image montrée quand une page du site est partagée (réseaux sociaux, messageries) : 1200 × 630 pixels de préférence.',
    },
    shareImageAlt: { label: 'Texte alternatif de l’image de partage' },
    funders: 'Financeurs',
    defaultSeo: 'Référencement par défaut (SEO)',
  },
};

const COMPONENT_LABELS: Record<string, Record<string, Label>> = {
  'event.venue': {
    name: 'Nom du lieu',
    address: 'Adresse',
    postcode: 'Code postal',
    commune: 'Commune',
    inseeCode: {
      label: 'Code INSEE de la commune',
      description: '5 caractères, par exemple 59383 pour Marly.',
    },
    accessNotes: { label: 'Comment venir', description: 'Ligne de bus, arrêt, parking…' },
    stepFreeAccess: 'Accessible en fauteuil roulant (de plain-pied)',
    latitude: 'Latitude',
    longitude: 'Longitude',
  },
  'event.slot': {
    date: 'Date',
    start: 'Début',
    end: 'Fin',
    label: { label: 'Intitulé (facultatif)', placeholder: 'Atelier 1 : mes envies, mes atouts' },
  },
  'shared.seo': {
    metaTitle: { label: 'Titre pour les moteurs de recherche', description: '70 caractères au plus.' },
    metaDescription: {
      label: 'Description pour les moteurs de recherche',
      description: '160 caractères au plus.',
    },
    canonicalUrl: 'Adresse canonique',
    noIndex: 'Ne pas référencer cette page',
  },
  'shared.funder': {
    name: 'Nom du financeur',
    mention: 'Mention',
    logo: 'Logo',
    logoAlt: { label: 'Texte alternatif du logo', description: 'Obligatoire s’il y a un logo.' },
  },
};

interface Metadata {
  edit?: Record<string, unknown>;
  list?: Record<string, unknown>;
}
interface Configuration {
  settings: Record<string, unknown>;
  metadatas: Record<string, Metadata>;
  layouts: Record<string, unknown>;
}

function applyLabels(configuration: Configuration, labels: Record<string, Label>): boolean {
  let changed = false;
  for (const [field, wanted] of Object.entries(labels)) {
    const metadata = configuration.metadatas[field];
    if (!metadata) continue;
    const spec = typeof wanted === 'string' ? { label: wanted } : wanted;
    const edit = metadata.edit ?? {};
    const list = metadata.list ?? {};
    metadata.edit = edit;
    metadata.list = list;
    for (const [key, value] of Object.entries(spec)) {
      if (value !== undefined && edit[key] !== value) {
        edit[key] = value;
        changed = true;
      }
    }
    if (list.label !== spec.label) {
      list.label = spec.label;
      changed = true;
    }
  }
  return changed;
}

/** Writes the French labels into the content-manager configuration, only when they differ. */
export async function ensureFrenchLabels(strapi: Core.Strapi): Promise<void> {
  const contentManager = strapi.plugin('content-manager');
  const contentTypes = contentManager.service('content-types') as any;
  const components = contentManager.service('components') as any;
  let updated = 0;
  for (const [uid, labels] of Object.entries(CONTENT_TYPE_LABELS)) {
    const contentType = strapi.contentTypes[uid as keyof typeof strapi.contentTypes];
    if (!contentType) continue;
    const { uid: _uid, ...configuration } = (await contentTypes.findConfiguration(
      contentType,
    )) as Configuration & { uid: string };
    if (applyLabels(configuration, labels)) {
      await contentTypes.updateConfiguration(contentType, configuration);
      updated++;
    }
  }
  for (const [uid, labels] of Object.entries(COMPONENT_LABELS)) {
    const component = strapi.components[uid as keyof typeof strapi.components];
    if (!component) continue;
    const {
      uid: _uid,
      category: _category,
      ...configuration
    } = (await components.findConfiguration(component)) as Configuration & { uid: string; category: string };
    if (applyLabels(configuration, labels)) {
      await components.updateConfiguration(component, configuration);
      updated++;
    }
  }
  if (updated > 0) strapi.log.info(`[maillage] French admin labels written for ${updated} models.`);
}
