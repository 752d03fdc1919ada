import type { SlotView, VenueView } from './types.ts';

const TZ = 'Europe/Paris';

export { formatDay, formatSlot, formatTime } from '../../contract/dates.ts';

export function sortSlots(slots: SlotView[]): SlotView[] {
  return [...slots].sort((a, b) => (a.date + a.start).localeCompare(b.date + b.start));
}

export function formatVenue(venue: VenueView): string {
  return `${venue.name}, ${venue.address}, ${venue.postcode} ${venue.commune}`;
}

/** Today's calendar date in Paris, YYYY-MM-DD. */
export function parisDate(at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(at);
}

/** Adds whole days to a calendar date YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** "06 12 34 56 78" for "+33612345678"; other numbers unchanged. */
export function formatPhone(phone: string): string {
  const m = /^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(phone.replace(/\s/g, ''));
  return m ? `0${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]}` : phone;
}
