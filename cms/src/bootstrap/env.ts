/** Environment read by the bootstrap code (config/*.ts use Strapi's own `env()` helper). */
function str(name: string, fallback = ''): string {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

export const bootstrapEnv = {
  get siteToken() {
    return str('CMS_SITE_TOKEN');
  },
  get extranetToken() {
    return str('CMS_EXTRANET_TOKEN');
  },
  get previewToken() {
    return str('CMS_PREVIEW_TOKEN');
  },
  get webhookSecret() {
    return str('CMS_WEBHOOK_SECRET');
  },
  get siteUrl() {
    return str('SITE_URL', 'http://localhost:4321');
  },
  /**
   * Where the site's webhook goes: every site instance (comma-separated internal URLs) when several
   * run behind a load balancer, since each keeps its own cache; SITE_URL when unset.
   */
  get siteWebhookUrls() {
    const list = str('SITE_WEBHOOK_URLS')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    return list.length ? list : [this.siteUrl];
  },
  get extranetUrl() {
    return str('EXTRANET_URL', 'http://localhost:4322');
  },
  get webhookTimeoutMs() {
    const n = Number.parseInt(str('CMS_WEBHOOK_TIMEOUT_MS', '3000'), 10);
    return Number.isFinite(n) && n > 0 ? n : 3000;
  },
  /** How often the scheduled-publication job runs (ms); 30 s so the site shows it within a minute. */
  get scheduleIntervalMs() {
    const n = Number.parseInt(str('SCHEDULE_INTERVAL_MS', '30000'), 10);
    return Number.isFinite(n) && n >= 200 ? n : 30_000;
  },
  get seedDemo() {
    return str('SEED_DEMO', 'false').toLowerCase() === 'true';
  },
  get demoPassword() {
    return str('DEMO_PASSWORD');
  },
  /** Demo mode (MAILLAGE_DEMO=1, set by `npm start`): demo admins and demo content. Never a guess from NODE_ENV. */
  get demo() {
    return ['1', 'true', 'oui', 'yes'].includes(str('MAILLAGE_DEMO').toLowerCase());
  },
  /** The CMS's public address (PUBLIC_URL), when set. */
  get publicUrl() {
    return str('PUBLIC_URL');
  },
};
