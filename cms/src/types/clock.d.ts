// Types of the shared clock (extranet/src/contract/clock.ts, exported as `@maillage/extranet/clock`).
// Strapi compiles the server with CommonJS module resolution, which does not read package
// `exports`; at run time Node resolves the workspace package and loads the TypeScript module
// itself. Keep these signatures in step with that file (cms/test/rules.test.ts checks them).
declare module '@maillage/extranet/clock' {
  export const TIME_ZONE: 'Europe/Paris';
  export function clockOverrideAllowed(env: Record<string, string | undefined>): boolean;
  export function now(): Date;
  export function nowMs(): number;
  export function setClock(at: Date | string | null): void;
  export function parisDate(at?: Date): string;
  export function addDays(date: string, days: number): string;
  export function parisOffset(date: string, time?: string): string;
  export function parisInstant(date: string, time?: string): Date;
}
