// `npm run retention [-- --dry-run]`: erases now everyone whose last contact is older than the
// retention period (the extranet also does it once a day by itself). --dry-run only counts.
// Prints counts, never names. Reads the extranet's database settings from extranet/.env (or the
// environment): DATABASE_URL for PostgreSQL, otherwise EXTRANET_DB_FILE; OUTBOX_DIR for the .eml copies.
import { isAbsolute, join, resolve } from 'node:path';
import { createDb } from '../extranet/src/db/connect.ts';
import { migrateToLatest } from '../extranet/src/db/migrate.ts';
import { runRetention } from '../extranet/src/features/retention/retention.job.ts';
import { formatPeriod } from '../extranet/src/features/retention/settings.service.ts';
import { readEnvFile } from './lib/env-file.ts';
import { appDir } from './lib/workspace.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--dry-run');
if (unknown.length) {
  console.error(`✗ Option inconnue : ${unknown.join(' ')} (seule --dry-run existe)`);
  process.exit(2);
}
const dryRun = args.includes('--dry-run');
const extranet = appDir('extranet');
const dotenv = readEnvFile(join(extranet, '.env'));
const setting = (key: string, fallback = '') => process.env[key] ?? dotenv.get(key) ?? fallback;
const fromExtranet = (path: string) => (isAbsolute(path) ? path : resolve(extranet, path));

const databaseUrl = setting('DATABASE_URL') || undefined;
const database = createDb({
  databaseUrl,
  file: fromExtranet(setting('EXTRANET_DB_FILE', 'data/extranet.db')),
});
try {
  // The same schema as the running extranet (a no-op when it is already up to date).
  await migrateToLatest(database.db);
  const report = await runRetention(database.db, {
    dryRun,
    outboxDir: fromExtranet(setting('OUTBOX_DIR', 'outbox')),
  });
  console.log(
    `› Durée de conservation : ${formatPeriod(report.months)} — dernier contact avant le ${report.cutoff}` +
      ` (${database.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'})`,
  );
  const what = `${report.persons} personne(s), ${report.registrations} demande(s), ${report.notes} note(s), ${report.outbox} message(s)`;
  if (dryRun) console.log(`› Aperçu, rien n’est modifié : seraient effacées ${what}.`);
  else console.log(`✓ Effacées : ${what}, ${report.emlFiles} fichier(s) .eml.`);
} finally {
  await database.close();
}
