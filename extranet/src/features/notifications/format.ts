import type { SlotView, VenueView } from './types.ts';

export { formatDay, formatSlot, formatTime } from '@maillage/platform/dates';

export function sortSlots(slots: SlotView[]): SlotView[] {
  return [...slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start));
}

export function formatVenue(venue: VenueView): string {
  return `${venue.name}, ${venue.address}, ${venue.postcode} ${venue.commune}`;
}

// One Paris calendar for the whole app: the clock's helpers (settable in tests and the demo).
export { addDays, parisDate } from '@maillage/platform/clock';

export { formatPhone } from '@maillage/platform/phone';
