// Printing and reading benchmark figures: no dependency; `scripts/bench.ts` (the summary of every
// package's bench) and the extranet's benches share the same table and the same figure shapes.

/** Prints a Markdown table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** 200 registrations at once through the intake API, on one base. */
export interface IntakeFigure {
  base: string;
  concurrent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  rps: number;
}

/** The inbox's latency on one base at one size. */
export interface InboxFigure {
  base: string;
  registrations: number;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  rps: number;
  errors: number;
  /** p95 per kind of view */
  paths: Record<string, number>;
}

/** The global search's latency on one base (`bench/search.ts`). */
export interface SearchFigure {
  base: string;
  persons: number;
  requests: number;
  users: number;
  p50: number;
  p95: number;
  max: number;
  rps: number;
  errors: number;
  /** p95 per kind of term (name, typo, phone…) */
  kinds: Record<string, number>;
  /** p95 of a page without a query of its own under the same load (the server's and machine's share) */
  baselineP95: number;
}

/** What `bench/inbox.ts` writes to BENCH_JSON, and `bench/search.ts` adds to it. */
export interface ExtranetFigures {
  intake: IntakeFigure[];
  inbox: (InboxFigure & { growth: number | null })[];
  search?: SearchFigure[];
  budgets: { inboxP95Ms: number; inboxGrowth: number; searchP95Ms?: number };
}

/** Every acknowledged registration stored, none invented, none refused. */
export const noLoss = (i: IntakeFigure) =>
  i.lost === 0 && i.acknowledged === i.stored && i.acknowledged === i.concurrent;
