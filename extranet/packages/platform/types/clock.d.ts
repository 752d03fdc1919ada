export declare const TIME_ZONE = "Europe/Paris";
/**
 * The clock may be moved only in demo mode (MAILLAGE_DEMO=1, set by `npm start`) and under tests
 * (NODE_ENV=test, or inside vitest), never in a deployment, whatever NODE_ENV says there.
 */
export declare function clockOverrideAllowed(env: Record<string, string | undefined>): boolean;
/** The app's current instant. Use this instead of `new Date()` / `Date.now()`. */
export declare function now(): Date;
/** The app's current instant in milliseconds. */
export declare function nowMs(): number;
/** Tests in the same process move the clock to `at` (time runs on from there); `null` resets it. */
export declare function setClock(at: Date | string | null): void;
/** The Paris calendar date (YYYY-MM-DD) of an instant, today by default. */
export declare function parisDate(at?: Date): string;
/** The Paris wall-clock time (HH:MM) of an instant, now by default. */
export declare function parisTime(at?: Date): string;
/** A Paris calendar date moved by `days` (calendar arithmetic, no time-zone drift). */
export declare function addDays(date: string, days: number): string;
/** UTC offset of Europe/Paris at a Paris wall-clock time, e.g. "+01:00" or "+02:00". */
export declare function parisOffset(date: string, time?: string): string;
/** The instant of a Paris wall-clock time: `parisInstant('2026-12-02', '00:00')`. */
export declare function parisInstant(date: string, time?: string): Date;
