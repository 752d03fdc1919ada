/**
 * How dates and slots read on a page (French, Paris time). Phone numbers read through the
 * contract's formatPhone (contract/phone.ts), the one rule both apps share.
 */

// Intl formatters are costly to build: one of each, reused (it showed in the inbox profile).
const DATE_TIME = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'short',
  timeZone: 'Europe/Paris',
});
const DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return DATE_TIME.format(new Date(iso));
}
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  return DATE.format(new Date(iso));
}

const SHORT_DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });

/**
 * When a note happened: its date and the time given with it, or its date alone when no time was
 * given (the stored instant then only orders it: its hour is never shown).
 */
export function formatNoteWhen(iso: string, time: string | null | undefined): string {
  const day = SHORT_DATE.format(new Date(iso));
  return time ? `${day} ${time}` : day;
}

const SLOT_DAY = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * { date: '2027-01-10', start: '09:00', end: '12:00' } → "dimanche 10 janvier 2027, 09:00 – 12:00",
 * on the staff's screens; messages and the site write "…, de 9 h à 12 h" (the platform's formatSlot).
 */
export function formatSlotClock(slot: { date: string; start: string; end: string }): string {
  const day = SLOT_DAY.format(new Date(`${slot.date}T00:00:00Z`));
  return `${day}, ${slot.start} – ${slot.end}`;
}
