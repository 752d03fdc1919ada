import { parisDate, parisInstant } from '@maillage/platform/clock';

// The pure rules of retention: which Paris day is the boundary, what an erased value reads, which
// audit details are personal, where a message's .eml copy is.

/** What an erased person's row says instead of a name. Not a phone number, not an address. */
export const ERASED_FIRST_NAME = 'Personne effacée';
export const ERASED_TEXT = '[effacé]';

/** A Paris calendar date moved by whole months (the 31st becomes the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/**
 * The first Paris day still kept: a person whose last contact fell on an earlier Paris day is past
 * the period. With 36 months on 2026-12-02, a last contact on 2023-12-01 is erased, one on
 * 2023-12-02 (at any hour, Paris time) is kept.
 */
export function retentionCutoff(at: Date, months: number): { date: string; instant: string } {
  const date = addMonths(parisDate(at), -months);
  return { date, instant: parisInstant(date, '00:00').toISOString() };
}

/** The file name the mail worker gives a message's .eml copy (mail/worker.ts). */
export function emlFileName(id: number, kind: string): string {
  return `${String(id).padStart(6, '0')}-${kind}.eml`;
}

/** Keys of audit details that hold a person's values (a correction, a merge). */
const PERSONAL_DETAIL_KEYS = new Set(['before', 'after', 'filled']);

/** The details of an audit row without the person's values: ids, statuses and counts stay. */
export function scrubDetails(json: string | null, identifiers: string[]): string | null {
  if (!json) return json;
  const needles = identifiers.map((s) => s.toLowerCase());
  const digits = identifiers.map((s) => s.replace(/\D/g, '')).filter((d) => d.length >= 8);
  const personal = (s: string) => {
    const lower = s.toLowerCase();
    const d = s.replace(/\D/g, '');
    return (
      needles.some((n) => lower.includes(n)) || (d.length >= 8 && digits.some((x) => d.includes(x.slice(-9))))
    );
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return personal(value) ? ERASED_TEXT : value;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = PERSONAL_DETAIL_KEYS.has(k) && v && typeof v === 'object' ? ERASED_TEXT : walk(v);
      }
      return out;
    }
    return value;
  };
  try {
    return JSON.stringify(walk(JSON.parse(json)));
  } catch {
    return null;
  }
}
