// `npm run restore ARCHIVE`: puts back both databases, the CMS uploads and the extranet’s documents from an archive made by
// `npm run backup`. Stop the apps first (Ctrl-C on `npm start`, or stop the services).
import { resolve } from 'node:path';
import { locationsFromEnvFiles, restore } from './lib/backup.ts';

const archive = process.argv[2];
if (!archive) {
  console.error('✗ Indiquez l’archive à restaurer : npm run restore backups/maillage-….tar.gz');
  process.exit(1);
}
try {
  const manifest = await restore(
    resolve(process.env.INIT_CWD ?? process.cwd(), archive),
    locationsFromEnvFiles(),
  );
  console.log(
    `✔ Restauré : la sauvegarde du ${manifest.createdAt} (extranet ${manifest.extranet}, CMS ${manifest.cms}).`,
  );
  console.log('  Relancez les applications (npm start, ou vos services).');
} catch (error) {
  console.error(`✗ Restauration impossible : ${(error as Error).message}`);
  process.exit(1);
}
