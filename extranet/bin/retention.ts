// `npm run retention [-- --dry-run]` (scripts/retention.ts runs this file in the extranet's folder with
// its .env): erases now everyone whose last contact is older than the retention period (the extranet
// also does it once a day by itself). --dry-run only counts. Prints counts, never names. Settings
// from the environment (the .env file never overrides it): DATABASE_URL for PostgreSQL, otherwise
// EXTRANET_DB_FILE; OUTBOX_DIR for the .eml copies; DOCUMENTS_DIR for attached documents; relative paths from the extranet's folder.
import { isAbsolute, join, resolve } from 'node:path';
import { createDb } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { folderDocumentStore } from '../src/features/documents/document.store.ts';
import { runRetention } from '../src/features/retention/retention.job.ts';
import { formatPeriod } from '../src/features/retention/settings.service.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--dry-run');
if (unknown.length) {
  console.error(`✗ Option inconnue : ${unknown.join(' ')} (seule --dry-run existe)`);
  process.exit(2);
}
const dryRun = args.includes('--dry-run');
const extranet = join(import.meta.dirname, '..');
const setting = (key: string, fallback = '') => process.env[key] ?? fallback;
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
    smsDir: fromExtranet(setting('SMS_DIR', 'sms')),
    documents: folderDocumentStore(fromExtranet(setting('DOCUMENTS_DIR', 'data/documents'))),
  });
  console.log(
    `› Durée de conservation : ${formatPeriod(report.months)} — dernier contact avant le ${report.cutoff}` +
      ` (${database.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'})`,
  );
  const what = `${report.persons} personne(s), ${report.registrations} demande(s), ${report.notes} note(s), ${report.outbox} message(s), ${report.documents} document(s)`;
  if (dryRun) console.log(`› Aperçu, rien n’est modifié : seraient effacées ${what}.`);
  else console.log(`✓ Effacées : ${what}, ${report.emlFiles} fichier(s) .eml.`);
} finally {
  await database.close();
}
