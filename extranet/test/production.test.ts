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
