import type { SlotView, VenueView } from './types.ts';

export { formatDay, formatSlot, formatTime } from '../../contract/dates.ts';

export function sortSlots(slots: SlotView[]): SlotView[] {
  return [...slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start));
}

export function formatVenue(venue: VenueView): string {
  return `${venue.name}, ${venue.address}, ${venue.postcode} ${venue.commune}`;
}

// One Paris calendar for the whole app: the clock's helpers (settable in tests and the demo).
export { addDays, parisDate } from '../../contract/clock.ts';

/** "06 12 34 56 78" for "+33612345678"; other numbers unchanged. */
export function formatPhone(phone: string): string {
  const m = /^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(phone.replace(/\s/g, ''));
  return m ? `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}` : phone;
}
