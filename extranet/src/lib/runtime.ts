import {
  AUDIT_FLUSH_MS,
  AUDIT_JOURNAL_DIR,
  BETTER_AUTH_SECRET,
  BREVO_API_KEY,
  BREVO_API_URL,
  CMS_EXTRANET_TOKEN,
  CMS_URL,
  CMS_WEBHOOK_SECRET,
  DATABASE_URL,
  DB_QUERY_LOG,
  DEMO_PASSWORD,
  DOCUMENTS_DIR,
  EXTRANET_DB_FILE,
  EXTRANET_SERVICE_TOKEN,
  EXTRANET_URL,
  MAIL_FROM,
  MAILLAGE_DEMO,
  OUTBOX_DIR,
  SEED_DEMO,
  SITE_URL,
  SMS_DIR,
  SMS_PROVIDER,
  SMS_SENDER,
  SMTP_URL,
  TRUSTED_PROXIES,
} from 'astro:env/server';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { createDb, type Db } from '../db/connect.ts';
import { clearMemo } from '../db/memo.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { enableQueryLog } from '../db/query-log.ts';
import { startAppointmentReminders } from '../features/appointments/reminders.job.ts';
import { startAuditJournal, stopAuditJournal } from '../features/audit/audit-journal.ts';
import { type Auth, createAuth } from '../features/auth/auth.ts';
import { seedDemoAccounts, seedDemoRegistrations } from '../features/demo/demo.service.ts';
import { type DocumentStore, folderDocumentStore } from '../features/documents/document.store.ts';
import { startMailWorker } from '../features/mail/outbox.job.ts';
import type { NotifySettings } from '../features/notifications/context.ts';
import { startNotifications } from '../features/notifications/reminders.job.ts';
import { createTeamDirectory } from '../features/notifications/teams.service.ts';
import { startRetentionJob } from '../features/retention/retention.job.ts';
import { startParcoursEndJob } from '../features/sessions/parcours-end.job.ts';
import { startWaitlistJob } from '../features/sessions/waitlist.job.ts';
import { brevoProvider, folderProvider, type SmsProvider } from '../features/sms/brevo.ts';
import { startSmsWorker } from '../features/sms/sms.job.ts';
import { configureSmsQueue } from '../features/sms/sms.service.ts';
import { loadTerritories } from '../features/territories/territories.service.ts';
import { refreshCmsCopy } from './cms-copy.ts';
import { coalesce } from './coalesce.ts';
import { checkDeployment, checkSms, DeploymentError, demoMode } from './deployment.ts';
import { createSealer, type Sealer } from './sealed.ts';

interface Config {
  extranetUrl: string;
  siteUrl: string;
  cmsUrl: string;
  cmsToken: string | undefined;
  webhookSecret: string | undefined;
  serviceToken: string | undefined;
  /** not in demo mode: real accounts only, SMTP, real secrets */
  production: boolean;
  /** demo mode (MAILLAGE_DEMO=1, set by `npm start`): demo accounts and data, .eml outbox */
  demo: boolean;
  /** served over https (EXTRANET_URL): Secure and __Host- cookies, HSTS */
  https: boolean;
  demoPassword: string | undefined;
  /** reverse proxies of ours in front of the extranet (X-Forwarded-For hops to skip) */
  trustedProxies: number;
  /** SMS_PROVIDER=brevo (checked complete), else null: by hand, or to SMS_DIR in demo mode */
  smsProvider: 'brevo' | null;
}

export interface Runtime extends Db {
  auth: Auth;
  /** seals search terms kept in URLs */
  sealer: Sealer;
  config: Config;
  /** the notification settings, read once at start: passed to what queues messages */
  notify: NotifySettings;
  refreshEvents(): Promise<boolean>;
}

const EVENTS_REFRESH_MS = 5 * 60_000;
const DEMO_RETRY_MS = 15_000;

/** The declared settings, checked: throws a DeploymentError (French) on what must not start. */
function readConfig(): Config {
  const demo = demoMode(MAILLAGE_DEMO);
  checkDeployment({
    demo,
    publicUrl: EXTRANET_URL,
    smtpUrl: SMTP_URL || undefined,
    authSecret: BETTER_AUTH_SECRET || undefined,
    demoPassword: DEMO_PASSWORD || undefined,
    secrets: {
      EXTRANET_SERVICE_TOKEN,
      CMS_WEBHOOK_SECRET,
      CMS_EXTRANET_TOKEN,
    },
  });
  const smsProvider = checkSms({
    provider: SMS_PROVIDER || undefined,
    apiKey: BREVO_API_KEY || undefined,
    sender: SMS_SENDER || undefined,
  });
  return {
    smsProvider,
    extranetUrl: EXTRANET_URL,
    siteUrl: SITE_URL,
    cmsUrl: CMS_URL,
    cmsToken: CMS_EXTRANET_TOKEN || undefined,
    webhookSecret: CMS_WEBHOOK_SECRET || undefined,
    serviceToken: EXTRANET_SERVICE_TOKEN || undefined,
    production: !demo,
    // Demo data and accounts only in demo mode (SEED_DEMO=false turns them off there too).
    demo: demo && SEED_DEMO,
    https: EXTRANET_URL.startsWith('https://'),
    demoPassword: DEMO_PASSWORD || undefined,
    trustedProxies: TRUSTED_PROXIES,
  };
}

async function boot(): Promise<Runtime> {
  const config = readConfig();
  enableQueryLog(DB_QUERY_LOG);
  const database = createDb({ databaseUrl: DATABASE_URL || undefined, file: fromAppRoot(EXTRANET_DB_FILE) });
  await migrateToLatest(database.db);
  // Reads' audit rows off the request's path; what a killed process left is inserted now.
  try {
    startAuditJournal(database.db, auditJournalDir(), { flushMs: AUDIT_FLUSH_MS });
  } catch (error) {
    throw new DeploymentError(
      `le journal des lectures ne peut pas être écrit dans ${auditJournalDir()} (AUDIT_JOURNAL_DIR) : ${(error as Error).message}`,
    );
  }

  let secret = BETTER_AUTH_SECRET;
  if (!secret) {
    if (config.production) throw new Error('BETTER_AUTH_SECRET est obligatoire en production');
    // Demo mode without set-up (readConfig refuses this outside it): sessions do not survive a restart.
    secret = randomBytes(32).toString('base64url');
    console.warn('[extranet] BETTER_AUTH_SECRET absent : secret temporaire généré (lancez npm run setup).');
  }
  const auth = createAuth({
    db: database.db,
    kind: database.kind,
    secret,
    baseURL: config.extranetUrl,
    https: config.https,
  });

  // Notifications: team contacts from the CMS, the links' URLs, the signing secret of cancel links.
  const notify: NotifySettings = {
    siteUrl: config.siteUrl,
    extranetUrl: config.extranetUrl,
    mailFrom: MAIL_FROM,
    teams: createTeamDirectory({ cmsUrl: config.cmsUrl, token: config.cmsToken }),
    cancelSecret: secret,
  };

  if (config.demo) {
    if (!config.demoPassword)
      console.warn('[démo] DEMO_PASSWORD absent : comptes de démonstration non créés.');
    else await seedDemoAccounts(database.db, database.kind, auth, config.demoPassword);
  }

  // A webhook arriving during a refresh gets one more refresh after it (coalesce.ts): what was
  // just published may not be in the refresh already under way.
  const refreshEvents = coalesce(async () => {
    try {
      const n = await refreshCmsCopy(database.db, { cmsUrl: config.cmsUrl, token: config.cmsToken });
      clearMemo();
      console.log(`[sessions] copie des sessions à jour (${n})`);
      // After the copy, never before: the demo registrations need the sessions they go to.
      if (config.demo) {
        try {
          const demo = await seedDemoRegistrations(database.db, database.kind, notify);
          demoPending = !demo.done;
          if (demo.arrived > 0)
            console.log(`[démo] ${demo.arrived} inscription(s) de démonstration enregistrée(s)`);
        } catch (error) {
          console.warn(
            `[démo] inscriptions de démonstration en attente, nouvel essai bientôt : ${(error as Error).message}`,
          );
        }
      }
      return true;
    } catch (error) {
      console.warn(
        `[sessions] CMS injoignable, la copie locale reste utilisée : ${(error as Error).message}`,
      );
      return false;
    }
  });
  // In the demo, the CMS may start after the extranet, or its sessions may open later: try again
  // every DEMO_RETRY_MS until the demo registrations have all arrived (each try logs what waits).
  let demoPending = config.demo;
  const retryDemo = () => {
    if (!demoPending) return;
    void refreshEvents().finally(() => setTimeout(retryDemo, DEMO_RETRY_MS).unref());
  };
  if (config.demo) setTimeout(retryDemo, DEMO_RETRY_MS).unref();
  // Route by the last copy from the first request, before (and even without) the CMS answering.
  await loadTerritories(database.db);
  void refreshEvents();
  setInterval(() => void refreshEvents(), EVENTS_REFRESH_MS).unref();

  // Reminders two days before each session.
  startNotifications(database.db, notify);
  // Appointments: reminders two days before at 09:00 and the morning at 08:00 (Paris).
  startAppointmentReminders(database.db, notify);
  // End of each Parcours: the professionals who asked are told whether the person came.
  startParcoursEndJob(database.db, notify);
  // The waiting list: expired offers go to the next person; the no-show rule, when on.
  startWaitlistJob(database.db, database.kind, notify);

  // Once a day, on one instance: people past the retention period are erased (their .eml copies too).
  startRetentionJob(database.db, {
    outboxDir: fromAppRoot(OUTBOX_DIR),
    smsDir: smsDir(),
    documents: documentStore(),
  });

  startMailWorker({
    db: database.db,
    kind: database.kind,
    from: MAIL_FROM,
    // Outside demo mode SMTP_URL is required (checkDeployment): .eml files are for the demo only.
    smtpUrl: SMTP_URL || undefined,
    outboxDir: fromAppRoot(OUTBOX_DIR),
  });

  // SMS: through Brevo when configured; in demo mode to files in SMS_DIR (shown on /sms); else
  // queued as « manual », for advisors to send by hand from « À appeler ».
  const sms: SmsProvider | null =
    config.smsProvider === 'brevo'
      ? brevoProvider({ apiKey: BREVO_API_KEY ?? '', sender: SMS_SENDER ?? '', apiUrl: BREVO_API_URL })
      : demoMode(MAILLAGE_DEMO)
        ? folderProvider(smsDir())
        : null;
  configureSmsQueue({ automatic: sms !== null });
  if (sms)
    startSmsWorker({ db: database.db, kind: database.kind, provider: sms, publicUrl: config.extranetUrl });

  // Graceful stop: the reads' journal inserted, the database closed (WAL checkpoint, pool), exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopAuditJournal()
        .catch(() => undefined)
        .finally(() => database.close().finally(() => process.exit(0)));
    });
  }

  return { ...database, auth, config, notify, refreshEvents, sealer: createSealer(secret) };
}

/**
 * Relative paths (data/extranet.db, outbox) are taken from the extranet folder, not from wherever
 * `node extranet/dist/server/entry.mjs` was started: personal data must not land in another folder
 * (that git would not ignore).
 */
function fromAppRoot(path: string): string {
  if (isAbsolute(path)) return path;
  const entry = process.argv[1] ?? '';
  const root = /[\\/]dist[\\/]server[\\/]entry\.mjs$/.test(entry)
    ? resolve(dirname(entry), '..', '..')
    : process.cwd();
  return resolve(root, path);
}

/**
 * The reads' journal (features/audit/audit-journal.ts): AUDIT_JOURNAL_DIR, else beside the SQLite
 * file, else (PostgreSQL) a folder of data/ named after the database, so that two databases served
 * from one folder never share a journal.
 */
function auditJournalDir(): string {
  if (AUDIT_JOURNAL_DIR) return fromAppRoot(AUDIT_JOURNAL_DIR);
  if (!DATABASE_URL) return `${fromAppRoot(EXTRANET_DB_FILE)}.audit-journal`;
  const url = new URL(DATABASE_URL);
  const name = createHash('sha256').update(`${url.host}${url.pathname}`).digest('hex').slice(0, 12);
  return fromAppRoot(`data/audit-journal-${name}`);
}

/** The folder of demo mode's .eml copies (erasures delete a person's copies there). */
export function outboxDir(): string {
  return fromAppRoot(OUTBOX_DIR);
}

/** The folder of demo mode's SMS files (erasures delete a person's files there). */
export function smsDir(): string {
  return fromAppRoot(SMS_DIR);
}

let documents: DocumentStore | null = null;

/**
 * Where documents' files are kept: DOCUMENTS_DIR (default data/documents, beside the SQLite file),
 * outside the web root. Another DocumentStore (S3-compatible, issue 22) would be chosen here.
 */
export function documentStore(): DocumentStore {
  documents ??= folderDocumentStore(fromAppRoot(DOCUMENTS_DIR));
  return documents;
}

let runtime: Promise<Runtime> | null = null;

/** The process-wide runtime: database migrated, auth ready, workers started. Built once. */
export function getRuntime(): Promise<Runtime> {
  runtime ??= boot().catch((error) => {
    runtime = null;
    throw error;
  });
  return runtime;
}
