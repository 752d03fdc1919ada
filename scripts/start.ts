// `npm start`: set-up, build (cached by turbo), then the CMS, the extranet and the site together on
// embedded SQLite with demo data. Ctrl-C stops all three.
import { join } from 'node:path';
import { readEnvFile } from './lib/env-file.ts';
import { run, runService, type Service, waitForHttp } from './lib/processes.ts';
import { type App, appDir, bin, root } from './lib/workspace.ts';
import { setup } from './setup.ts';

const started = Number(process.env.MAILLAGE_STARTED_AT) || Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

const ports: Record<App, number> = { cms: 1337, site: 4321, extranet: 4322 };

function appEnv(app: App): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const dotenv = readEnvFile(join(appDir(app), '.env'));
  for (const [key, value] of dotenv) env[key] ??= value;
  // Shells such as zsh export HOST as the machine's name: the app's own file or the default wins.
  env.HOST = dotenv.get('HOST') ?? '0.0.0.0';
  env.PORT = String(ports[app]);
  // `npm start` is the demo: demo accounts, demo content, .eml outbox. Each app refuses demo mode
  // unless its public address is local, and a deployment (without it) must be configured for real.
  env.MAILLAGE_DEMO = '1';
  return env;
}

const services: Service[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\n› Arrêt des applications…');
    await Promise.all(services.map((s) => s.stop()));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  setup();
  console.log('› Construction (turbo, mise en cache)…');
  await run(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root });

  console.log(
    `› Démarrage du CMS (au premier démarrage, il crée aussi les contenus de démonstration)… [${seconds()}]`,
  );
  const cms = runService('cms', bin('strapi'), ['start'], { cwd: appDir('cms'), env: appEnv('cms') });
  services.push(cms);
  await waitForHttp(`http://127.0.0.1:${ports.cms}/_health`, cms);

  const extranet = runService('extranet', process.execPath, ['dist/server/entry.mjs'], {
    cwd: appDir('extranet'),
    env: appEnv('extranet'),
  });
  const site = runService('site', process.execPath, ['dist/server/entry.mjs'], {
    cwd: appDir('site'),
    env: appEnv('site'),
  });
  services.push(extranet, site);
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${ports.extranet}/`, extranet),
    waitForHttp(`http://127.0.0.1:${ports.site}/`, site),
  ]);

  const password = appEnv('extranet').DEMO_PASSWORD ?? 'maillage-demo-2026';
  console.log(`
  ✔ Maillage est prêt en ${seconds()}.

  Site public      http://localhost:${ports.site}
  Extranet         http://localhost:${ports.extranet}
      admin@maillage.test       / ${password}   (coordination, tous les territoires)
      conseiller@maillage.test  / ${password}   (Valenciennois et Douaisis)
  CMS (Strapi)     http://localhost:${ports.cms}/admin
      admin@maillage.test       / ${password}   (super admin)
      communication@maillage.test / ${password} (rôle Éditeur)
  Courriels        extranet/outbox/ (fichiers .eml) et http://localhost:${ports.extranet}/courriels

  Ctrl-C pour tout arrêter.
`);
  const first = await Promise.race(services.map((s) => s.exited.then((code) => ({ name: s.name, code }))));
  if (!stopping) {
    console.error(`✗ ${first.name} s'est arrêté (code ${first.code}) : arrêt des autres applications.`);
    await stopAll(1);
  }
} catch (error) {
  console.error(`✗ ${(error as Error).message}`);
  await stopAll(1);
}
