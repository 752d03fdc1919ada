// Starts the BUILT CMS (`strapi start` in cms/) for tests: a free loopback port, a throwaway SQLite
// file (or the given PostgreSQL database), freshly generated secrets and tokens, the demo seed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSecret } from '../lib/env-file.ts';
import { freePort } from '../lib/ports.ts';
import { runService } from '../lib/processes.ts';
import { appDir } from '../lib/workspace.ts';

export interface StartStrapiOptions {
  /** PostgreSQL URL of a database the CMS may fill; a temp SQLite file otherwise. */
  databaseUrl?: string;
  /**
   * Variables that override the generated ones (SITE_URL, EXTRANET_URL, CMS_SITE_TOKEN,
   * DATABASE_FILENAME…). Pass the previous instance's values to restart on the same database.
   */
  env?: Record<string, string>;
  /** Print Strapi's output as it comes (MAILLAGE_TEST_VERBOSE=1 does the same). */
  verbose?: boolean;
  /** How long to wait for the CMS to answer; default 120 s. */
  timeoutMs?: number;
}

export interface StartedStrapi {
  url: string;
  siteToken: string;
  extranetToken: string;
  /** Read-only token that may read drafts (the site's preview route). */
  previewToken: string;
  webhookSecret: string;
  previewSecret: string;
  /** The full environment the CMS runs with (to restart it on the same database). */
  env: Record<string, string>;
  /** Everything Strapi printed so far. */
  logs(): string;
  stop(): Promise<void>;
}

const cmsDir = appDir('cms');

function strapiBin(): string {
  const require = createRequire(join(cmsDir, 'package.json'));
  return join(dirname(require.resolve('@strapi/strapi/package.json')), 'bin', 'strapi.js');
}

/** Starts the built CMS and resolves once its API answers with the seeded content. */
export async function startStrapi(opts: StartStrapiOptions = {}): Promise<StartedStrapi> {
  if (
    !existsSync(join(cmsDir, 'dist', 'src', 'index.js')) ||
    !existsSync(join(cmsDir, 'dist', 'build', 'index.html'))
  ) {
    throw new Error(
      "Le CMS n'est pas construit (cms/dist manquant) : lancez d'abord `npm run build -w cms`.",
    );
  }
  const tmp = mkdtempSync(join(tmpdir(), 'maillage-cms-'));
  const port = await freePort();

  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_KEYS: `${generateSecret()},${generateSecret()}`,
    API_TOKEN_SALT: generateSecret(),
    ADMIN_JWT_SECRET: generateSecret(),
    TRANSFER_TOKEN_SALT: generateSecret(),
    JWT_SECRET: generateSecret(),
    ENCRYPTION_KEY: generateSecret(),
    CMS_SITE_TOKEN: generateSecret(),
    CMS_EXTRANET_TOKEN: generateSecret(),
    CMS_PREVIEW_TOKEN: generateSecret(),
    CMS_WEBHOOK_SECRET: generateSecret(),
    PREVIEW_SECRET: generateSecret(),
    // Nobody listens on port 9 (discard): webhooks fail fast unless a test points them somewhere.
    SITE_URL: 'http://127.0.0.1:9',
    EXTRANET_URL: 'http://127.0.0.1:9',
    DATABASE_FILENAME: join(tmp, 'data.db'),
    MAILLAGE_DEMO: '1',
    SEED_DEMO: 'true',
    DEMO_PASSWORD: 'maillage-demo-2026',
    STRAPI_TELEMETRY_DISABLED: 'true',
    BROWSER: 'none',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
    // The port is always ours: a reused env must not collide with a previous instance.
    ...(opts.env?.PORT ? {} : { PORT: String(port) }),
  };
  // NODE_ENV=test and demo mode unless the caller says otherwise (MAILLAGE_DEMO='' for a deployment).
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', ...env };
  // Neither the shell's DATABASE_URL nor the one in cms/.env (Strapi loads it without overriding
  // what is set) may point the test CMS at a real database: an empty value means SQLite.
  if (!env.DATABASE_URL) childEnv.DATABASE_URL = '';
  const finalUrl = `http://127.0.0.1:${env.PORT}`;

  const verbose = opts.verbose ?? process.env.MAILLAGE_TEST_VERBOSE === '1';
  const service = runService('cms', process.execPath, [strapiBin(), 'start'], {
    cwd: cmsDir,
    env: childEnv,
    quiet: !verbose,
  });
  const output: string[] = [];
  for (const stream of [service.child.stdout, service.child.stderr])
    stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const logs = () => output.join('');

  const stop = async () => {
    await service.stop();
    rmSync(tmp, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(finalUrl, env.CMS_SITE_TOKEN!, service.exited, opts.timeoutMs ?? 120_000);
  } catch (error) {
    await stop();
    const tail = logs().split('\n').slice(-40).join('\n');
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- dernières lignes du CMS ---\n${tail}`,
      { cause: error },
    );
  }

  return {
    url: finalUrl,
    siteToken: env.CMS_SITE_TOKEN!,
    extranetToken: env.CMS_EXTRANET_TOKEN!,
    previewToken: env.CMS_PREVIEW_TOKEN!,
    webhookSecret: env.CMS_WEBHOOK_SECRET!,
    previewSecret: env.PREVIEW_SECRET!,
    env,
    logs,
    stop,
  };
}

/**
 * Bootstrap (tokens, seed) is awaited before Strapi listens, so the first authorised answer of the
 * API means the seed is done. We still ask for content with the site's token to be sure.
 */
async function waitUntilReady(
  url: string,
  siteToken: string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`Le CMS s'est arrêté pendant le démarrage (code ${exitCode}).`);
    try {
      const response = await fetch(`${url}/api/global`, {
        headers: { authorization: `Bearer ${siteToken}` },
        signal: AbortSignal.timeout(2_000),
      });
      await response.body?.cancel();
      // 404: the API works but the global settings are not seeded (SEED_DEMO=false).
      if (response.status === 200 || response.status === 404) return;
    } catch {}
    await sleep(250);
  }
  throw new Error(`Le CMS ne répond pas sur ${url} après ${Math.round(timeoutMs / 1000)} s.`);
}
