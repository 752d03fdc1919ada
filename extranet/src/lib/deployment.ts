/**
 * What the extranet refuses to start with. Demo mode is an explicit setting (MAILLAGE_DEMO=1, turned
 * on by `npm start`), never a guess from NODE_ENV: it creates accounts whose password is public,
 * exempts the demo admin from two-factor and writes emails as files, so it only runs on this
 * machine. Outside it, mail goes out by SMTP and every secret is a real one.
 */
export class DeploymentError extends Error {}

/** The password of the demo accounts, printed by `npm start`: public, never a secret. */
const PUBLIC_DEMO_PASSWORD = 'maillage-demo-2026';
const MIN_SECRET_LENGTH = 32;

/** MAILLAGE_DEMO=1 or true (any case): demo mode. */
export function demoMode(value: string | boolean | undefined): boolean {
  if (typeof value === 'boolean') return value;
  return ['1', 'true', 'oui', 'yes'].includes((value ?? '').trim().toLowerCase());
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: an address only this machine reaches. */
function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '[::1]' ||
    host === '::1'
  );
}

interface DeploymentSettings {
  demo: boolean;
  publicUrl: string;
  smtpUrl: string | undefined;
  authSecret: string | undefined;
  demoPassword: string | undefined;
  /** the other shared secrets, by variable name (empty ones are simply not used) */
  secrets: Record<string, string | undefined>;
}

export interface SmsSettings {
  provider: string | undefined;
  apiKey: string | undefined;
  sender: string | undefined;
}

/**
 * The SMS set-up: `brevo` with its key and sender, or nothing at all (SMS sent by hand from « À
 * appeler »). Half of it is refused: a deployment that thinks it sends SMS and sends none is worse.
 */
export function checkSms(s: SmsSettings): 'brevo' | null {
  if (!s.provider && !s.apiKey && !s.sender) return null;
  const problems: string[] = [];
  if (s.provider !== 'brevo')
    problems.push(
      `SMS_PROVIDER doit valoir « brevo » (seul fournisseur connu) ou rester vide, pas « ${s.provider ?? ''} ».`,
    );
  if (!s.apiKey) problems.push('BREVO_API_KEY est obligatoire avec SMS_PROVIDER=brevo (clé API Brevo).');
  if (!s.sender || !/^[A-Za-z0-9]{1,11}$/.test(s.sender))
    problems.push(
      'SMS_SENDER est obligatoire : 11 lettres ou chiffres au plus, sans espace ni accent (ex. Maillage).',
    );
  if (problems.length)
    throw new DeploymentError(`configuration SMS incomplète :\n- ${problems.join('\n- ')}`);
  return 'brevo';
}

/** Throws a DeploymentError whose French message says what to change; returns nothing when fine. */
export function checkDeployment(s: DeploymentSettings): void {
  if (s.demo) {
    if (!isLocalUrl(s.publicUrl))
      throw new DeploymentError(
        `MAILLAGE_DEMO=1 (mode démonstration) est refusé : EXTRANET_URL (${s.publicUrl}) n’est pas une adresse locale. Le mode démonstration crée des comptes dont le mot de passe est public ; retirez MAILLAGE_DEMO pour un déploiement.`,
      );
    return;
  }
  const problems: string[] = [];
  if (!s.smtpUrl)
    problems.push('SMTP_URL est obligatoire : hors démonstration, les courriels partent par SMTP.');
  if (!s.authSecret)
    problems.push('BETTER_AUTH_SECRET est obligatoire : il signe les sessions (lancez npm run setup).');
  for (const [name, value] of Object.entries({ BETTER_AUTH_SECRET: s.authSecret, ...s.secrets })) {
    if (!value) continue;
    if (value === PUBLIC_DEMO_PASSWORD || value.length < MIN_SECRET_LENGTH)
      problems.push(
        `${name} est trop faible : au moins ${MIN_SECRET_LENGTH} caractères tirés au hasard (npm run setup en génère).`,
      );
  }
  if (s.demoPassword)
    problems.push(
      'DEMO_PASSWORD doit être vide : les comptes de démonstration n’existent qu’en mode démonstration.',
    );
  if (problems.length)
    throw new DeploymentError(`configuration refusée hors mode démonstration :\n- ${problems.join('\n- ')}`);
}
