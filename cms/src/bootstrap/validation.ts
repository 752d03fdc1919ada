import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { PUBLIC_CONTENT_TYPES, RESERVED_PAGE_SLUGS } from './constants';

type Data = Record<string, unknown>;
type Problem = { path: string[]; message: string };

export const MESSAGES = {
  consent:
    'Ce témoignage ne peut pas être publié sans l’accord de la personne : renseignez la date de l’accord et ce qu’elle accepte (champs « Date de l’accord de publication » et « Portée de l’accord »).',
  coverAlt:
    'L’image de couverture doit avoir un texte alternatif qui la décrit (champ « Texte alternatif de l’image »), pour les personnes qui ne la voient pas.',
  funderLogoAlt:
    'Chaque logo de financeur doit avoir un texte alternatif (champ « Texte alternatif du logo »), pour les personnes qui ne le voient pas.',
  shareImageAlt:
    'L’image de partage doit avoir un texte alternatif qui la décrit (champ « Texte alternatif de l’image de partage »), pour les personnes qui ne la voient pas.',
  richTextImageAlt:
    'Chaque image insérée dans le texte doit avoir un texte alternatif qui la décrit, pour les personnes qui ne la voient pas : dans la médiathèque, renseignez le « Texte alternatif » de l’image, puis insérez-la à nouveau.',
  tousPublicsAlone:
    'Le public « tous-publics » s’emploie seul (règle de data·inclusion) : gardez-le seul si l’offre s’adresse à tout le monde, ou retirez-le et gardez les publics précis (champ « Publics data·inclusion »).',
  publicsRequired:
    'Indiquez au moins un public (champ « Publics data·inclusion ») : « tous-publics » si l’offre s’adresse à tout le monde. Sans public, l’offre est mal référencée par data·inclusion.',
  thematiquesRequired:
    'Indiquez au moins une thématique (champ « Thématiques data·inclusion »). Sans thématique, l’offre est mal référencée par data·inclusion.',
  codeList:
    'Ce champ attend une liste de codes du référentiel data·inclusion, par exemple ["demandeurs-emploi"].',
  weeklyHours: 'Le volume horaire par semaine ne peut pas être négatif.',
  consentWithdrawn:
    'La personne a retiré son accord : ce témoignage ne peut plus être publié (champ « Accord retiré »).',
  reservedSlug:
    'Cette adresse est déjà utilisée par le site (par exemple /agenda ou /programmes) : choisissez une autre adresse pour la page (champ « Adresse de la page »).',
  scheduleOrder:
    'La date de dépublication doit venir après la date de publication programmée (champs « Publier le » et « Dépublier le »).',
} as const;

const present = (value: unknown): boolean =>
  value !== null &&
  value !== undefined &&
  !(typeof value === 'string' && value.trim() === '') &&
  !(Array.isArray(value) && value.length === 0);

/** A media field counts as set when it holds an id, an object or a non-empty connect list. */
const hasMedia = (value: unknown): boolean => {
  if (!present(value)) return false;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as { id?: unknown; connect?: unknown[]; set?: unknown[]; set_?: unknown };
    if ('connect' in v || 'set' in v) return present(v.connect) || present(v.set);
  }
  return true;
};

/** An image needs its alternative text (programs, sessions, stories, news). */
function coverProblems(data: Data): Problem[] {
  return hasMedia(data.cover) && !present(data.coverAlt)
    ? [{ path: ['coverAlt'], message: MESSAGES.coverAlt }]
    : [];
}

/** Publish-at must come before unpublish-at when both are set. */
export function scheduleProblems(data: Data): Problem[] {
  const at = present(data.publishAt) ? Date.parse(String(data.publishAt)) : Number.NaN;
  const until = present(data.unpublishAt) ? Date.parse(String(data.unpublishAt)) : Number.NaN;
  return at >= until ? [{ path: ['unpublishAt'], message: MESSAGES.scheduleOrder }] : [];
}

/** A CMS page cannot take an address the site already answers (site/src/pages). */
export function reservedSlugProblems(data: Data): Problem[] {
  const slug = typeof data.slug === 'string' ? data.slug.trim().toLowerCase() : '';
  return slug && RESERVED_PAGE_SLUGS.includes(slug)
    ? [{ path: ['slug'], message: MESSAGES.reservedSlug }]
    : [];
}

export function storyProblems(data: Data): Problem[] {
  const problems: Problem[] = [];
  if (data.consentWithdrawn === true) {
    problems.push({ path: ['consentWithdrawn'], message: MESSAGES.consentWithdrawn });
  }
  if (!present(data.consentDate) || !present(data.consentScope)) {
    problems.push({
      path: present(data.consentDate) ? ['consentScope'] : ['consentDate'],
      message: MESSAGES.consent,
    });
  }
  return problems.concat(coverProblems(data));
}

/** Images inside a rich-text field ("blocks") must carry their alternative text. */
export function richTextProblems(field: string, data: Data): Problem[] {
  const blocks = Array.isArray(data[field]) ? (data[field] as Data[]) : [];
  const missing = blocks.some(
    (block) => block?.type === 'image' && !present((block.image as Data | undefined)?.alternativeText),
  );
  return missing ? [{ path: [field], message: MESSAGES.richTextImageAlt }] : [];
}

/**
 * data·inclusion's own rules for a program (gip-inclusion/data-inclusion-schema, v1
 * services.py: `tous-publics` cannot be used with other values; volume_horaire_hebdomadaire ≥ 0),
 * and what its quality score (score_qualite.py) needs from editors: at least one public and one
 * thematique. The export (site/src/lib/feeds/data-inclusion.ts) applies the same rules.
 */
export function programProblems(data: Data): Problem[] {
  const problems: Problem[] = [...richTextProblems('description', data)];
  const codes = (field: string): string[] | null => {
    const v = data[field];
    if (v === null || v === undefined) return [];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  };
  const publics = codes('diPublics');
  const thematiques = codes('diThematiques');
  if (publics === null) problems.push({ path: ['diPublics'], message: MESSAGES.codeList });
  else if (publics.length === 0) problems.push({ path: ['diPublics'], message: MESSAGES.publicsRequired });
  else if (publics.includes('tous-publics') && new Set(publics).size > 1)
    problems.push({ path: ['diPublics'], message: MESSAGES.tousPublicsAlone });
  if (thematiques === null) problems.push({ path: ['diThematiques'], message: MESSAGES.codeList });
  else if (thematiques.length === 0)
    problems.push({ path: ['diThematiques'], message: MESSAGES.thematiquesRequired });
  const hours = data.diVolumeHoraireHebdomadaire;
  if (hours !== null && hours !== undefined && hours !== '' && Number(hours) < 0)
    problems.push({ path: ['diVolumeHoraireHebdomadaire'], message: MESSAGES.weeklyHours });
  return problems;
}

export function globalProblems(data: Data): Problem[] {
  const funders = Array.isArray(data.funders) ? (data.funders as Data[]) : [];
  const share: Problem[] =
    hasMedia(data.shareImage) && !present(data.shareImageAlt)
      ? [{ path: ['shareImageAlt'], message: MESSAGES.shareImageAlt }]
      : [];
  return share.concat(
    funders.flatMap((funder, index) =>
      hasMedia(funder.logo) && !present(funder.logoAlt)
        ? [{ path: ['funders', String(index), 'logoAlt'], message: MESSAGES.funderLogoAlt }]
        : [],
    ),
  );
}

const RULES: Record<string, { check: (data: Data) => Problem[]; populate: Record<string, unknown> }> = {
  [PUBLIC_CONTENT_TYPES.story]: {
    check: (data) => [...storyProblems(data), ...richTextProblems('body', data)],
    populate: { cover: true },
  },
  [PUBLIC_CONTENT_TYPES.program]: {
    check: (data) => [...programProblems(data), ...coverProblems(data)],
    populate: { cover: true },
  },
  [PUBLIC_CONTENT_TYPES.event]: { check: coverProblems, populate: { cover: true } },
  [PUBLIC_CONTENT_TYPES.news]: {
    check: (data) => [...coverProblems(data), ...richTextProblems('body', data)],
    populate: { cover: true },
  },
  [PUBLIC_CONTENT_TYPES.page]: {
    check: (data) => [...reservedSlugProblems(data), ...richTextProblems('body', data)],
    populate: {},
  },
  [PUBLIC_CONTENT_TYPES.global]: {
    check: globalProblems,
    populate: { funders: { populate: { logo: true } }, shareImage: true },
  },
};

/**
 * Publication rules that the schema cannot express: a story needs the person's recorded
 * consent, and an image needs its alternative text. Checked on the Document Service, so the
 * admin, the REST API and scripts are all held to them.
 */
export function registerPublicationRules(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    const rule = RULES[context.uid];
    if (!rule) return next();
    const params = context.params as { documentId?: string; data?: Data; status?: string; locale?: string };
    const { action } = context;

    // Checked on every save, draft included: an editor learns at once that the address is taken.
    if ((action === 'create' || action === 'update') && params.data) {
      const early = [
        ...(context.uid === PUBLIC_CONTENT_TYPES.page ? reservedSlugProblems(params.data) : []),
        ...scheduleProblems(params.data),
      ];
      if (early.length > 0) throw validationError(early);
    }

    let candidate: Data | undefined;
    if (action === 'publish') {
      candidate = await loadDraft(strapi, context.uid, params.documentId, rule.populate);
    } else if ((action === 'create' || action === 'update') && params.status === 'published') {
      const existing =
        action === 'update'
          ? await loadDraft(strapi, context.uid, params.documentId, rule.populate)
          : undefined;
      candidate = { ...(existing ?? {}), ...(params.data ?? {}) };
    }
    if (candidate) {
      const problems = rule.check(candidate);
      if (problems.length > 0) throw validationError(problems);
    }
    return next();
  });
}

function validationError(problems: Problem[]): Error {
  return new errors.ValidationError(problems[0]!.message, {
    errors: problems.map((p) => ({ path: p.path, message: p.message, name: 'ValidationError' })),
  });
}

async function loadDraft(
  strapi: Core.Strapi,
  uid: string,
  documentId: string | undefined,
  populate: Record<string, unknown>,
): Promise<Data | undefined> {
  const documents = strapi.documents(uid as Parameters<typeof strapi.documents>[0]) as any;
  if (documentId) {
    return ((await documents.findOne({ documentId, status: 'draft', populate })) as Data | null) ?? undefined;
  }
  // Single types may be addressed without a documentId.
  return ((await documents.findFirst({ status: 'draft', populate })) as Data | null) ?? undefined;
}
