/** Reads a urlencoded or multipart form into a plain object; repeated names become arrays. */
export async function readForm(request: Request): Promise<Record<string, string | string[]>> {
  const out: Record<string, string | string[]> = {};
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return out;
  }
  for (const [key, value] of form.entries()) {
    if (typeof value !== 'string') continue;
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export const str = (v: string | string[] | undefined): string =>
  Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
export const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

export { formatPhone } from '@maillage/platform/phone';

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

const SLOT_DAY = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** { date: '2027-01-10', start: '09:00', end: '12:00' } → "dimanche 10 janvier 2027, 09:00 – 12:00" */
export function formatSlot(slot: { date: string; start: string; end: string }): string {
  const day = SLOT_DAY.format(new Date(`${slot.date}T00:00:00Z`));
  return `${day}, ${slot.start} – ${slot.end}`;
}

/** A short plain-text answer (a form posted without the page, e.g. an unknown action). */
export const plainText = (body: string, status: number) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
