// `npm run backup`: both databases, the CMS uploads and the extranet’s documents into one dated archive, in backups/
// (or BACKUP_DIR). Safe while the apps run (SQLite online backup, pg_dump snapshot).
import { backup, defaultBackupDir, locationsFromEnvFiles } from './lib/backup.ts';

try {
  const archive = await backup(locationsFromEnvFiles(), process.env.BACKUP_DIR || defaultBackupDir);
  console.log(`✔ Sauvegarde écrite : ${archive}`);
} catch (error) {
  console.error(`✗ Sauvegarde impossible : ${(error as Error).message}`);
  process.exit(1);
}
