import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  host: env('HOST', '0.0.0.0'),
  port: env.int('PORT', 1337),
  // APP_KEYS is a comma-separated list; set-up may write a single key, which is a valid list of one.
  app: { keys: env.array('APP_KEYS', []) },
  url: env('PUBLIC_URL', ''),
  // No update check against the internet.
  logger: { updates: { enabled: false }, startup: { enabled: true } },
});

export default config;
