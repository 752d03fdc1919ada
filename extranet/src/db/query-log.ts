import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import type { LogEvent } from 'kysely';

/**
 * Counts the queries of each request, for the test that keeps every page's query count flat and
 * for profiling (DB_QUERY_LOG=<file>: one JSON line per request with its path, how many queries it
 * ran and their SQL with the time each took). Off unless that file is set; the SQL holds
 * placeholders, never the values.
 */
interface RequestQueries {
  queries: { sql: string; ms: number }[];
}

const store = new AsyncLocalStorage<RequestQueries>();
let file: string | null = null;

export function enableQueryLog(path: string | undefined): void {
  file = path || null;
}

export function queryLogEnabled(): boolean {
  return file !== null;
}

/** Kysely's `log` hook: counts the query in the request it belongs to (if any). */
export function logQuery(event: LogEvent): void {
  store.getStore()?.queries.push({ sql: event.query.sql, ms: event.queryDurationMillis });
}

/** Runs `fn` outside any request's count (work a request only schedules, e.g. a batch insert). */
export function outsideRequest<T>(fn: () => T): T {
  return store.exit(fn);
}

/** Runs `fn` (a request) counting its queries, until `done` is called (the body was sent). */
export function withQueryLog<T>(fn: () => Promise<T>): { result: Promise<T>; done: (path: string) => void } {
  const entry: RequestQueries = { queries: [] };
  return {
    result: store.run(entry, fn),
    done: (path) => {
      if (file) appendFileSync(file, `${JSON.stringify({ path, count: entry.queries.length, ...entry })}\n`);
    },
  };
}
