// One clock for each app (site, extranet, scripts), so that tests and the demo can run "as if" it
// were another moment — 00:30 Paris time in winter, 23:30 in summer — without touching the machine's
// clock. Every calendar computation goes through the Europe/Paris helpers below. Pure module, no
// imports, so the site and the extranet share it (`@maillage/platform/clock`).

export const TIME_ZONE = 'Europe/Paris';

// MAILLAGE_NOW (an ISO instant) shifts the clock: the process starts at that instant and time runs
// on from there. It is honoured only in demo mode and tests (see `clockOverrideAllowed`).
let offsetMs = initialOffset();

function initialOffset(): number {
  const env = typeof process === 'undefined' ? undefined : process.env;
  const target = env?.MAILLAGE_NOW;
  if (!target || !clockOverrideAllowed(env)) return 0;
  const at = Date.parse(target);
  if (Number.isNaN(at)) throw new Error(`MAILLAGE_NOW n'est pas une date ISO valide : ${target}`);
  return at - Date.now();
}

/**
 * The clock may be moved only in demo mode (MAILLAGE_DEMO=1, set by `npm start`) and under tests
 * (NODE_ENV=test, or inside vitest), never in a deployment, whatever NODE_ENV says there.
 */
export function clockOverrideAllowed(env: Record<string, string | undefined>): boolean {
  const demo = ['1', 'true', 'oui', 'yes'].includes((env.MAILLAGE_DEMO ?? '').trim().toLowerCase());
  return demo || env.NODE_ENV === 'test' || Boolean(env.VITEST);
}

/** The app's current instant. Use this instead of `new Date()` / `Date.now()`. */
export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

/** The app's current instant in milliseconds. */
export function nowMs(): number {
  return Date.now() + offsetMs;
}

/** Tests in the same process move the clock to `at` (time runs on from there); `null` resets it. */
export function setClock(at: Date | string | null): void {
  offsetMs = at === null ? 0 : new Date(at).getTime() - Date.now();
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE });

/** The Paris calendar date (YYYY-MM-DD) of an instant, today by default. */
export function parisDate(at: Date = now()): string {
  return dayFormat.format(at);
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The Paris wall-clock time (HH:MM) of an instant, now by default. */
export function parisTime(at: Date = now()): string {
  return timeFormat.format(at);
}

/** A Paris calendar date moved by `days` (calendar arithmetic, no time-zone drift). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });
/** Offsets already worked out (a page asks for the same few dates again and again); bounded. */
const offsets = new Map<string, string>();

/** UTC offset of Europe/Paris at a Paris wall-clock time, e.g. "+01:00" or "+02:00". */
export function parisOffset(date: string, time = '12:00'): string {
  const key = `${date} ${time}`;
  const known = offsets.get(key);
  if (known) return known;
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const name = offsetFormat
    .formatToParts(new Date(guess - 60 * 60 * 1000))
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name ?? '');
  const offset = match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
  if (offsets.size >= 10_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The instant of a Paris wall-clock time: `parisInstant('2026-12-02', '00:00')`. */
export function parisInstant(date: string, time = '00:00'): Date {
  return new Date(`${date}T${time.slice(0, 5)}:00${parisOffset(date, time)}`);
}
