import type { SlotView, VenueView } from './types.ts';

const TZ = 'Europe/Paris';

/** "mardi 3 décembre 2026" for a Paris calendar date YYYY-MM-DD. */
export function formatDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** "9 h 30" for "09:30", "14 h" for "14:00". */
export function formatTime(time: string): string {
  const [h, m] = time.split(':');
  return `${Number(h)} h${m && m !== '00' ? ` ${m}` : ''}`;
}

export function formatSlot(slot: SlotView): string {
  return `${formatDay(slot.date)}, de ${formatTime(slot.start)} à ${formatTime(slot.end)}`;
}

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
