/** What the site asks Strapi for, per content type: the fields and relations the pages use, never `populate=*`. */

const MEDIA = { fields: ['url', 'alternativeText', 'width', 'height'] };

export const PROGRAM_QUERY = {
  fields: [
    'title',
    'slug',
    'kind',
    'summary',
    'description',
    'audience',
    'format',
    'cost',
    'eligibility',
    'outcomes',
    'diThematiques',
    'diPublics',
    'diType',
    'diVolumeHoraireHebdomadaire',
    'diNombreSemaines',
    'order',
    'coverAlt',
    'featured',
    'updatedAt',
  ],
  populate: {
    seo: true,
    cover: MEDIA,
    fundingMentions: { populate: { logo: MEDIA } },
  },
};

export const EVENT_QUERY = {
  fields: [
    'title',
    'slug',
    'kind',
    'capacity',
    'registrationOpensAt',
    'registrationClosesAt',
    'cancelled',
    'practicalNotes',
    'description',
    'coverAlt',
    'featured',
    'updatedAt',
  ],
  populate: {
    program: { fields: ['title', 'slug', 'kind'] },
    territory: { fields: ['name', 'slug'] },
    venue: true,
    slots: true,
    cover: MEDIA,
    seo: true,
  },
};

export const STORY_QUERY = {
  fields: [
    'title',
    'slug',
    'displayName',
    'consentDate',
    'consentScope',
    'consentWithdrawn',
    'sector',
    'year',
    'summary',
    'body',
    'quote',
    'coverAlt',
    'featured',
    'publishedAt',
    'updatedAt',
  ],
  populate: {
    territory: { fields: ['name', 'slug'] },
    program: { fields: ['title', 'slug', 'kind'] },
    cover: MEDIA,
    seo: true,
  },
};

export const NEWS_QUERY = {
  fields: ['title', 'slug', 'date', 'summary', 'body', 'coverAlt', 'featured', 'publishedAt', 'updatedAt'],
  populate: { territory: { fields: ['name', 'slug'] }, cover: MEDIA, seo: true },
};

export const PAGE_FIELDS = ['title', 'slug', 'summary', 'body', 'updatedAt'];
export const TERRITORY_FIELDS = ['name', 'slug', 'description', 'epciCodes', 'teamPhone', 'teamEmail'];
export const GLOBAL_FIELDS = [
  'siteName',
  'tagline',
  'contactPhone',
  'contactEmail',
  'address',
  'openingHours',
  'shareImageAlt',
  'updatedAt',
];
export const GLOBAL_POPULATE = {
  funders: { populate: { logo: MEDIA } },
  shareImage: MEDIA,
  defaultSeo: true,
};
