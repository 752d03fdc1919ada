import type { CmsEvent, Global, Media, Program, Territory } from './cms/schemas.ts';
import { parisIso } from './dates.ts';
import { e164, splitAddress } from './feeds/data-inclusion.ts';

/** A CMS image served by the site's /media route, or null when it is not an upload. */
function servedImage(
  img: Media | null | undefined,
  alt: string | null | undefined,
  absolute: (path: string) => string,
) {
  if (!img || !/^\/uploads\/[\w.-]+$/.test(img.url)) return null;
  return {
    url: absolute(`/media${img.url}`),
    alt: alt ?? img.alternativeText ?? '',
    width: img.width,
    height: img.height,
  };
}

/** og:image of a page with its own cover (program, session, story, news), else the site's. */
export function pageShareImage(
  own: { media: Media; alt: string | null | undefined } | undefined,
  global: Global,
  absolute: (path: string) => string,
) {
  return servedImage(own?.media, own?.alt, absolute) ?? shareImage(global, absolute);
}

/** The site-wide image for sharing (og:image): the CMS global's, else the site's own. */
export function shareImage(global: Global, absolute: (path: string) => string) {
  return (
    servedImage(global.shareImage, global.shareImageAlt, absolute) ?? {
      url: absolute('/partage.png'),
      alt: `${global.siteName} : créer son activité près de chez soi, dans l’économie sociale et solidaire`,
      width: 1200,
      height: 630,
    }
  );
}

/** schema.org Place of a session's venue. */
const place = (v: CmsEvent['venue']) => ({
  '@type': 'Place',
  name: v.name,
  address: {
    '@type': 'PostalAddress',
    streetAddress: v.address,
    postalCode: v.postcode,
    addressLocality: v.commune,
    addressCountry: 'FR',
  },
});

const postalAddress = (address: string) => {
  const a = splitAddress(address);
  return {
    '@type': 'PostalAddress',
    ...(a.adresse ? { streetAddress: a.adresse } : {}),
    ...(a.code_postal ? { postalCode: a.code_postal } : {}),
    ...(a.commune ? { addressLocality: a.commune } : {}),
    addressCountry: 'FR',
  };
};

/** schema.org NGO (an Organization) for the home and contact pages: contacts and territories served. */
export function organizationJsonLd(global: Global, territories: Territory[], siteUrl: string) {
  const phone = e164(global.contactPhone);
  return {
    '@context': 'https://schema.org',
    '@type': 'NGO',
    name: global.siteName,
    url: `${siteUrl}/`,
    ...(global.tagline ? { description: global.tagline } : {}),
    ...(phone ? { telephone: phone } : {}),
    ...(global.contactEmail ? { email: global.contactEmail } : {}),
    ...(global.address ? { address: postalAddress(global.address) } : {}),
    ...(territories.length > 0
      ? { areaServed: territories.map((t) => ({ '@type': 'AdministrativeArea', name: t.name })) }
      : {}),
    ...(phone
      ? {
          contactPoint: {
            '@type': 'ContactPoint',
            telephone: phone,
            contactType: 'customer service',
            areaServed: 'FR',
            availableLanguage: 'fr',
          },
        }
      : {}),
  };
}

/**
 * schema.org Course for a program page, as search engines document it for training programmes
 * (name, description, provider, offers with a category, one CourseInstance per upcoming session
 * with its mode and workload).
 */
export function courseJsonLd(program: Program, sessions: CmsEvent[], global: Global, siteUrl: string) {
  const weeklyHours = program.diVolumeHoraireHebdomadaire ?? null;
  const workload =
    weeklyHours && program.diNombreSemaines
      ? `PT${Math.round(weeklyHours * program.diNombreSemaines)}H`
      : null;
  const free = /gratuit/i.test(program.cost);
  const provider = { '@type': 'Organization', name: global.siteName, sameAs: `${siteUrl}/` };
  const instance = (e?: CmsEvent) => {
    const first = e?.slots[0];
    const last = e?.slots[e.slots.length - 1];
    return {
      '@type': 'CourseInstance',
      courseMode: 'Onsite',
      inLanguage: 'fr',
      ...(workload ? { courseWorkload: workload } : {}),
      ...(e && first && last
        ? {
            name: e.title,
            startDate: parisIso(first.date, first.start),
            endDate: parisIso(last.date, last.end),
            location: place(e.venue),
            url: `${siteUrl}/agenda/${e.slug}`,
          }
        : {}),
    };
  };
  return {
    '@context': 'https://schema.org',
    '@type': 'Course',
    name: program.title,
    description: program.summary,
    url: `${siteUrl}/programmes/${program.slug}`,
    inLanguage: 'fr',
    provider,
    isAccessibleForFree: free,
    offers: [
      {
        '@type': 'Offer',
        category: free ? 'Free' : 'Paid',
        ...(free ? { price: 0, priceCurrency: 'EUR' } : {}),
      },
    ],
    hasCourseInstance: sessions.length > 0 ? sessions.map((e) => instance(e)) : [instance()],
  };
}

/** schema.org Event for an event page (one sub-event per half-day when there are several). */
export function eventJsonLd(e: CmsEvent, url: string, global: Global, left: number | null) {
  const first = e.slots[0];
  const last = e.slots[e.slots.length - 1];
  if (!first || !last) return null;
  const where = {
    ...place(e.venue),
    ...(e.venue.latitude != null && e.venue.longitude != null
      ? { geo: { '@type': 'GeoCoordinates', latitude: e.venue.latitude, longitude: e.venue.longitude } }
      : {}),
  };
  return {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: e.title,
    url,
    description: e.seo?.metaDescription ?? e.description ?? e.program?.title ?? e.title,
    startDate: parisIso(first.date, first.start),
    endDate: parisIso(last.date, last.end),
    eventStatus: e.cancelled ? 'https://schema.org/EventCancelled' : 'https://schema.org/EventScheduled',
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    inLanguage: 'fr',
    isAccessibleForFree: true,
    location: where,
    maximumAttendeeCapacity: e.capacity,
    ...(left !== null ? { remainingAttendeeCapacity: left } : {}),
    organizer: { '@type': 'Organization', name: global.siteName, url: url.replace(/\/agenda\/.*$/, '/') },
    offers: {
      '@type': 'Offer',
      price: 0,
      priceCurrency: 'EUR',
      url: url.replace('/agenda/', '/inscription/'),
      availability: left === 0 ? 'https://schema.org/SoldOut' : 'https://schema.org/InStock',
    },
    ...(e.slots.length > 1
      ? {
          subEvent: e.slots.map((s) => ({
            '@type': 'Event',
            name: s.label ?? e.title,
            startDate: parisIso(s.date, s.start),
            endDate: parisIso(s.date, s.end),
            location: where,
          })),
        }
      : {}),
  };
}
