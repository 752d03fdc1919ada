import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Parses a dotenv file: KEY=VALUE lines, `#` comments, optional surrounding quotes. */
export function parseEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    values.set(key, value);
  }
  return values;
}

export function readEnvFile(path: string): Map<string, string> {
  return existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) : new Map();
}

export const generateSecret = (): string => randomBytes(32).toString('base64url');

/** Names of variables whose empty example value means "generate a secret" (others stay empty). */
export const isSecretName = (key: string): boolean => /(SECRET|TOKEN|KEYS?|SALT)$/.test(key);

/**
 * Creates or completes `.env` files from their `.env.example`, never overwriting a value already set.
 * An empty value in an example whose name ends in SECRET, TOKEN, KEY(S) or SALT is a secret: it is
 * generated once and the same variable name gets the same value in every app, which is how the apps
 * share tokens (docs/contracts.md). Other empty values (DATABASE_URL, SMTP_URL…) stay empty.
 * Returns, per file, the keys it added.
 */
export function syncEnvFiles(apps: { example: string; target: string }[]): Map<string, string[]> {
  const existing = apps.map((app) => readEnvFile(app.target));
  const shared = new Map<string, string>();
  for (const values of existing) for (const [k, v] of values) if (v && !shared.has(k)) shared.set(k, v);

  const added = new Map<string, string[]>();
  apps.forEach((app, i) => {
    if (!existsSync(app.example)) return;
    const example = readEnvFile(app.example);
    const current = existing[i] ?? new Map<string, string>();
    const lines: string[] = [];
    for (const [key, exampleValue] of example) {
      if (current.has(key)) continue;
      let value = exampleValue;
      if (!value && isSecretName(key)) {
        value = shared.get(key) ?? generateSecret();
        shared.set(key, value);
      }
      lines.push(`${key}=${value}`);
    }
    if (lines.length === 0) return;
    const before = existsSync(app.target)
      ? readFileSync(app.target, 'utf8')
      : '# Created by scripts/setup.ts from .env.example — local values, never committed.\n';
    const glue = before.endsWith('\n') || before === '' ? '' : '\n';
    writeFileSync(app.target, `${before}${glue}${lines.join('\n')}\n`, { mode: 0o600 });
    added.set(
      app.target,
      lines.map((l) => l.slice(0, l.indexOf('='))),
    );
  });
  return added;
}
