import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Browser, location } from './support/browser.ts';
import {
  DEMO_PASSWORD,
  freePort,
  ROOT,
  type RunningServer,
  startServer,
  throwawayDatabase,
} from './support/server.ts';

const strong = () => randomBytes(32).toString('base64url');

/** A deployment's settings: no demo mode, SMTP, real secrets, no demo password. */
function deployment(): Record<string, string> {
  return {
    MAILLAGE_DEMO: '',
    // NODE_ENV decides nothing any more: demo mode is explicit.
    NODE_ENV: 'development',
    SMTP_URL: 'smtp://127.0.0.1:9',
    BETTER_AUTH_SECRET: strong(),
    EXTRANET_SERVICE_TOKEN: strong(),
    CMS_WEBHOOK_SECRET: strong(),
    CMS_EXTRANET_TOKEN: strong(),
    DEMO_PASSWORD: '',
  };
}

/** Starts the built server with `env` and waits for it to stop by itself: its exit code and output. */
async function refusal(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const database = await throwawayDatabase('sqlite');
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [inject('serverEntry')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      ASTRO_TELEMETRY_DISABLED: '1',
      EXTRANET_URL: `http://127.0.0.1:${port}`,
      CMS_URL: 'http://127.0.0.1:9',
      ...database.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(null);
    }, 20_000);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  await database.drop();
  return { code, output };
}

describe('refuses to start', () => {
  it('in demo mode when the public address is not local', async () => {
    const { code, output } = await refusal({
      MAILLAGE_DEMO: '1',
      DEMO_PASSWORD,
      EXTRANET_URL: 'https://extranet.maillage.fr',
    });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain('MAILLAGE_DEMO=1 (mode démonstration) est refusé');
    expect(output).toContain('n’est pas une adresse locale');
  });

  it.each([
    ['without SMTP_URL', { SMTP_URL: '' }, 'SMTP_URL est obligatoire'],
    ['without BETTER_AUTH_SECRET', { BETTER_AUTH_SECRET: '' }, 'BETTER_AUTH_SECRET est obligatoire'],
    [
      'with the demo password as a secret',
      { BETTER_AUTH_SECRET: DEMO_PASSWORD },
      'BETTER_AUTH_SECRET est trop faible',
    ],
    [
      'with a short service token',
      { EXTRANET_SERVICE_TOKEN: 'secret' },
      'EXTRANET_SERVICE_TOKEN est trop faible',
    ],
    ['with DEMO_PASSWORD set', { DEMO_PASSWORD }, 'DEMO_PASSWORD doit être vide'],
  ])('outside demo mode %s', async (_what, bad, message) => {
    const { code, output } = await refusal({ ...deployment(), ...bad });
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(output).toContain('configuration refusée hors mode démonstration');
    expect(output).toContain(message);
  });
});

describe('a deployment over https (no demo mode)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer('sqlite', {
      ...deployment(),
      EXTRANET_URL: 'https://extranet.maillage.test',
      SEED_DEMO: 'true',
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('creates no demo account, whatever SEED_DEMO says, and refuses the demo password', async () => {
    const users = await server.db.db.selectFrom('users').select('email').execute();
    expect(users).toEqual([]);
    const res = await new Browser(server.url).signIn('admin@maillage.test', DEMO_PASSWORD);
    expect(res.status).toBe(401);
  });

  it('names the session cookie __Host- (Secure, Path=/, no Domain) and reads it back', async () => {
    const id = randomBytes(8).toString('hex');
    const now = new Date().toISOString();
    await server.db.db
      .insertInto('users')
      .values({
        id,
        name: 'Prod',
        email: 'prod@maillage.test',
        emailVerified: 1,
        image: null,
        createdAt: now,
        updatedAt: now,
        twoFactorEnabled: 0,
        role: 'advisor',
        disabled: 0,
      })
      .execute();
    await server.db.db
      .insertInto('account')
      .values({
        id: `${id}a`,
        accountId: id,
        providerId: 'credential',
        userId: id,
        password: await hashPassword('une phrase de passe solide'),
        createdAt: now,
        updatedAt: now,
      })
      .execute();
    const browser = new Browser(server.url);
    const res = await browser.signIn('prod@maillage.test', 'une phrase de passe solide');
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='));
    expect(cookie).toMatch(/^__Host-maillage\.session_token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect((await browser.get('/demandes')).status).toBe(200);
  });

  it('sends HSTS, a strict CSP, Permissions-Policy and no framing', async () => {
    const res = await new Browser(server.url).get('/connexion');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('permissions-policy')).toContain('camera=()');
  });
});

describe('demo mode is explicit, not NODE_ENV', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer('sqlite', { NODE_ENV: 'production', MAILLAGE_DEMO: '1' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('signs the demo advisor in with NODE_ENV=production when MAILLAGE_DEMO=1 on a local address', async () => {
    const res = await new Browser(server.url).signIn('conseiller@maillage.test', DEMO_PASSWORD);
    expect(location(res)).toContain('/demandes');
  });
});
