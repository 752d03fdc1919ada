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

/** One person's file holding hundreds of timeline entries, under concurrent users, on one base. */
export interface PersonFileFigure {
  base: string;
  /** timeline entries of that person */
  entries: number;
  users: number;
  requests: number;
  p50: number;
  p95: number;
  max: number;
  rps: number;
  errors: number;
}

/** Uploads of a 10 MB document on one base (bench/documents.ts). */
export interface DocumentsFigure {
  base: string;
  uploads: number;
  mb: number;
  p50: number;
  p95: number;
  max: number;
  /** the server's resident memory after a first upload, after all of them, and its peak between */
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPeakMb: number;
  /** the answer to 10 MB + 1 byte (413), and the files it left in the store (0) */
  overLimitStatus: number;
  overLimitLeftFiles: number;
}

/** One page under 25 users at once (bench/signed-in.ts), beside the anonymous sign-in page. */
export interface SignedInFigure {
  base: string;
  page: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  rps: number;
  errors: number;
  /** requests/s as a share of the anonymous /connexion's, in the same run */
  ratio: number;
  /** the share it must reach (null: the anonymous pages, the reference) */
  budget: number | null;
  p95Budget: number;
}

/**
 * What `bench/inbox.ts` then `bench/signed-in.ts` write to BENCH_JSON (`bench/documents.ts`,
 * `bench/search.ts` and `bench/person-file.ts` add theirs).
 */
export interface ExtranetFigures {
  intake: IntakeFigure[];
  inbox: (InboxFigure & { growth: number | null })[];
  personFile?: PersonFileFigure[];
  budgets: { inboxP95Ms: number; inboxGrowth: number; personFileP95Ms?: number };
  documents?: DocumentsFigure[];
  documentBudgets?: { uploadMs: number; rssGrowthMb: number };
  signedIn?: SignedInFigure[];
  /** added by `bench/search.ts` */
  search?: SearchFigure[];
  searchBudgets?: { p95Ms: number };
}

/** Every acknowledged registration stored, none invented, none refused. */
export const noLoss = (i: IntakeFigure) =>
  i.lost === 0 && i.acknowledged === i.stored && i.acknowledged === i.concurrent;
