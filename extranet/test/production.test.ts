import { randomBytes } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Browser } from './support/browser.ts';
import { DEMO_PASSWORD, type RunningServer, startServer } from './support/server.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer('sqlite', { NODE_ENV: 'production', SEED_DEMO: 'true' });
});

afterAll(async () => {
  await server?.stop();
});

it('creates no demo account in production, whatever SEED_DEMO says, and refuses the demo password', async () => {
  const users = await server.db.db.selectFrom('users').select('email').execute();
  expect(users).toEqual([]);
  const res = await new Browser(server.url).signIn('admin@maillage.test', DEMO_PASSWORD);
  expect(res.status).toBe(401);
});

it('marks the session cookie Secure in production', async () => {
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
  const res = await new Browser(server.url).signIn('prod@maillage.test', 'une phrase de passe solide');
  expect(res.status).toBe(303);
  const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='));
  expect(cookie).toMatch(/^__Secure-/);
  expect(cookie).toMatch(/;\s*Secure/i);
  expect(cookie).toMatch(/HttpOnly/i);
});
