import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { inboxFilters, listInbox } from '../src/features/registrations/inbox.repository.ts';
const raw = new SQLite('/tmp/trust-q.db');
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: raw }), log: (e) => { if (e.level === 'query') { console.log(e.queryDurationMillis.toFixed(1), 'ms'); console.log(raw.prepare('explain query plan ' + e.query.sql).all(...(e.query.parameters as any[])).map((r: any) => r.detail).join(' | ')); } } });
const viewer = { id: 'x', role: 'advisor' as const, territories: ['valenciennois', 'douaisis'] };
for (const q of JSON.parse(process.env.Q ?? '[{}]')) { await listInbox(db, viewer, inboxFilters.parse(q)); }
