// Starts the whole platform for end-to-end tests: a real seeded Strapi, then the BUILT extranet and site,
// each on a free loopback port, with throwaway databases and consistent shared secrets.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecret, isSecretName, readEnvFile } from '../lib/env-file.ts';
import { freePort } from '../lib/ports.ts';
import { runService, type Service, waitForHttp } from '../lib/processes.ts';
import { appDir } from '../lib/workspace.ts';
import { startStrapi } from './strapi.ts';

export interface PlatformOptions {
  /** PostgreSQL URL for the extranet; a temp SQLite file otherwise. */
  extranetDatabaseUrl?: string;
  /** SMTP URL for the extranet's outbox worker; `.eml` files in a temp folder otherwise. */
  smtpUrl?: string;
  /** Extra variables per app. */
  env?: { cms?: Record<string, string>; site?: Record<string, string>; extranet?: Record<string, string> };
  /** Print the apps' output (for debugging a failing test). */
  verbose?: boolean;
}

export interface Platform {
  cmsUrl: string;
  siteUrl: string;
  extranetUrl: string;
  tmp: string;
  outboxDir: string;
  extranetDbFile: string;
  secrets: {
    serviceToken: string;
    webhookSecret: string;
    siteToken: string;
    extranetToken: string;
    previewSecret: string;
  };
  cms: Awaited<ReturnType<typeof startStrapi>>;
  /** Everything the three apps printed so far (to check that logs hold no personal data). */
  logs(): string;
  /** Stops the CMS only (to test "CMS down"). */
  stopCms(): Promise<void>;
  stop(): Promise<void>;
}

/** Environment of a built Astro app: its .env.example with secrets filled, then the overrides. */
function astroEnv(app: 'site' | 'extranet', overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  for (const [key, value] of readEnvFile(join(appDir(app), '.env.example')))
    env[key] = value || (isSecretName(key) ? generateSecret() : '');
  return { ...env, ...overrides };
}

function requireBuilt(app: string): void {
  if (!existsSync(join(appDir(app as 'site'), 'dist', 'server', 'entry.mjs'))) {
    throw new Error(`${app} n'est pas construit : lancez d'abord \`npx turbo run build\`.`);
  }
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  requireBuilt('site');
  requireBuilt('extranet');
  const tmp = mkdtempSync(join(tmpdir(), 'maillage-platform-'));
  const [sitePort, extranetPort] = [await freePort(), await freePort()];
  const siteUrl = `http://127.0.0.1:${sitePort}`;
  const extranetUrl = `http://127.0.0.1:${extranetPort}`;
  const serviceToken = generateSecret();

  const cms = await startStrapi({
    env: { SITE_URL: siteUrl, EXTRANET_URL: extranetUrl, ...options.env?.cms },
  });
  const shared = {
    CMS_URL: cms.url,
    SITE_URL: siteUrl,
    EXTRANET_URL: extranetUrl,
    CMS_WEBHOOK_SECRET: cms.webhookSecret,
    EXTRANET_SERVICE_TOKEN: serviceToken,
    HOST: '127.0.0.1',
  };
  const outboxDir = join(tmp, 'outbox');
  const extranetDbFile = join(tmp, 'extranet.db');
  const services: Service[] = [];
  const output: string[] = [];
  const capture = (service: Service) => {
    for (const stream of [service.child.stdout, service.child.stderr])
      stream?.on('data', (chunk: Buffer) => output.push(`[${service.name}] ${chunk}`));
  };
  try {
    const extranet = runService('extranet', process.execPath, ['dist/server/entry.mjs'], {
      cwd: appDir('extranet'),
      quiet: !options.verbose,
      env: astroEnv('extranet', {
        ...shared,
        PORT: String(extranetPort),
        CMS_EXTRANET_TOKEN: cms.extranetToken,
        EXTRANET_DB_FILE: extranetDbFile,
        OUTBOX_DIR: outboxDir,
        MAILLAGE_DEMO: '1',
        SEED_DEMO: 'true',
        ...(options.extranetDatabaseUrl
          ? { DATABASE_URL: options.extranetDatabaseUrl }
          : { DATABASE_URL: '' }),
        ...(options.smtpUrl ? { SMTP_URL: options.smtpUrl } : { SMTP_URL: '' }),
        ...options.env?.extranet,
      }),
    });
    services.push(extranet);
    capture(extranet);
    const site = runService('site', process.execPath, ['dist/server/entry.mjs'], {
      cwd: appDir('site'),
      quiet: !options.verbose,
      env: astroEnv('site', {
        ...shared,
        PORT: String(sitePort),
        CMS_SITE_TOKEN: cms.siteToken,
        CMS_PREVIEW_TOKEN: cms.previewToken,
        PREVIEW_SECRET: cms.previewSecret,
        ...options.env?.site,
      }),
    });
    services.push(site);
    capture(site);
    await Promise.all([
      waitForHttp(`${extranetUrl}/`, extranet, 60_000),
      waitForHttp(`${siteUrl}/`, site, 60_000),
    ]);
  } catch (error) {
    await Promise.all([...services.map((s) => s.stop()), cms.stop()]);
    throw error;
  }

  return {
    cmsUrl: cms.url,
    siteUrl,
    extranetUrl,
    tmp,
    outboxDir,
    extranetDbFile,
    secrets: {
      serviceToken,
      webhookSecret: cms.webhookSecret,
      siteToken: cms.siteToken,
      extranetToken: cms.extranetToken,
      previewSecret: cms.previewSecret,
    },
    cms,
    logs: () => `${cms.logs()}\n${output.join('')}`,
    stopCms: () => cms.stop(),
    async stop() {
      await Promise.all([...services.map((s) => s.stop()), cms.stop()]);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
