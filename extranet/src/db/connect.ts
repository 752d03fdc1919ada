import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';
import { logQuery, queryLogEnabled } from './query-log.ts';

export type DbKind = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  kind: DbKind;
  close(): Promise<void>;
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: the write lock is taken at once, so two
 * transactions that read-then-write (capacity checks, reference counter) never interleave, even
 * across processes sharing the file.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver() {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

/**
 * Kysely prepares every query again; better-sqlite3 statements can be reused, and the inbox runs
 * the same few queries on every view (the CPU profile showed `prepare`). A bounded cache.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let stmt = cache.get(source);
        if (!stmt) {
          stmt = prepare(source);
          if (cache.size >= max) cache.delete(cache.keys().next().value as string);
          cache.set(source, stmt);
        }
        return stmt;
      };
    },
  });
}

/** Kysely's log hook only when queries are counted (DB_QUERY_LOG): no cost otherwise. */
const queryLogging = () => (queryLogEnabled() ? { log: logQuery } : {});

// PostgreSQL returns bigint counts as strings; our counts always fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** Opens the database: PostgreSQL when `databaseUrl` is set, otherwise a SQLite file in WAL mode. */
export function createDb(options: {
  databaseUrl?: string | undefined;
  file?: string;
  poolSize?: number;
}): Db {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client error must not crash the process; the pool replaces the client.
    pool.on('error', (err) => console.error('[db] erreur PostgreSQL (client inactif) :', err.message));
    // Nor may a client in use lose its connection without a listener (a database restarted while a
    // transaction waits between two statements): that 'error' event would end the process. The
    // statement under way fails (503, retryable) and the pool drops the broken client.
    pool.on('connect', (client) =>
      client.on('error', (err) => console.error('[db] connexion PostgreSQL perdue :', err.message)),
    );
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...queryLogging() });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const file = resolve(options.file ?? 'data/extranet.db');
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    ...queryLogging(),
  });
  return { db, kind: 'sqlite', close: () => db.destroy() };
}

/** Whether an error is a unique-constraint violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
