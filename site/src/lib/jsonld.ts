import type { CmsEvent, Global } from './cms/schemas.ts';
import { parisIso } from './dates.ts';

/** schema.org Event for an event page (one sub-event per half-day when there are several). */
export function eventJsonLd(e: CmsEvent, url: string, global: Global, left: number | null) {
  const first = e.slots[0];
  const last = e.slots[e.slots.length - 1];
  if (!first || !last) return null;
  const place = {
    '@type': 'Place',
    name: e.venue.name,
    address: {
      '@type': 'PostalAddress',
      streetAddress: e.venue.address,
      postalCode: e.venue.postcode,
      addressLocality: e.venue.commune,
      addressCountry: 'FR',
    },
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
    location: place,
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
            location: place,
          })),
        }
      : {}),
  };
}
