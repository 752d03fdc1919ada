// `npm run audit:deps`: npm audit of the production dependencies (dev tools never run in
// production), checked against a reviewed allow-list (audit-allowlist.json at the root). Fails on
// any high or critical advisory the allow-list does not explain. Run by `npm test` (scripts/test.ts).
//
// When the registry's audit endpoint cannot be reached (offline, or a mirror without it: 405), the
// audit did not happen. That is said plainly and the run ends with code 3, which `npm test` reports
// as "not audited" without failing the build: a missing network must not hide every other result,
// and no finding is claimed either way. AUDIT_DEPS_REQUIRED=1 (a CI that can reach the endpoint)
// turns that into a failure.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib/workspace.ts';

export interface AllowEntry {
  /** the advisory, e.g. GHSA-xxxx-xxxx-xxxx */
  advisory: string;
  package: string;
  /** why it does not apply to Maillage (reviewed by a person) */
  reason: string;
  reviewed: string;
}

export interface Advisory {
  id: string;
  package: string;
  severity: string;
  title: string;
  url: string;
}

export type AuditVerdict =
  | { kind: 'unreachable'; message: string }
  | { kind: 'checked'; blocking: Advisory[]; allowed: Advisory[]; other: Advisory[]; stale: AllowEntry[] };

const BLOCKING = new Set(['high', 'critical']);

/** The advisory id from its URL (https://github.com/advisories/GHSA-…), else npm's numeric source. */
function advisoryId(via: { url?: string; source?: number | string }): string {
  return /GHSA-[\w-]+/.exec(via.url ?? '')?.[0] ?? String(via.source ?? '?');
}

/** Reads `npm audit --json` output against the allow-list. */
export function evaluateAudit(report: unknown, allowlist: AllowEntry[]): AuditVerdict {
  const r = (report ?? {}) as {
    vulnerabilities?: Record<string, { via: unknown[] }>;
    error?: unknown;
    statusCode?: number;
    message?: string;
  };
  if (!r.vulnerabilities) {
    const detail = r.message ?? (r.statusCode ? `HTTP ${r.statusCode}` : 'réponse illisible');
    return { kind: 'unreachable', message: detail };
  }
  const advisories = new Map<string, Advisory>();
  for (const [name, vulnerability] of Object.entries(r.vulnerabilities)) {
    for (const via of vulnerability.via) {
      // A string names another vulnerable package: its own advisories are listed under it.
      if (typeof via === 'string' || !via || typeof via !== 'object') continue;
      const v = via as { url?: string; source?: number; severity?: string; title?: string; name?: string };
      const id = advisoryId(v);
      const key = `${id}|${v.name ?? name}`;
      advisories.set(key, {
        id,
        package: v.name ?? name,
        severity: v.severity ?? 'unknown',
        title: v.title ?? '',
        url: v.url ?? '',
      });
    }
  }
  const isAllowed = (a: Advisory) =>
    allowlist.some((e) => e.advisory === a.id && e.package === a.package && e.reason.trim().length >= 20);
  const all = [...advisories.values()];
  const serious = all.filter((a) => BLOCKING.has(a.severity));
  return {
    kind: 'checked',
    blocking: serious.filter((a) => !isAllowed(a)),
    allowed: serious.filter(isAllowed),
    other: all.filter((a) => !BLOCKING.has(a.severity)),
    stale: allowlist.filter((e) => !all.some((a) => a.id === e.advisory && a.package === e.package)),
  };
}

export function readAllowlist(file = join(root, 'audit-allowlist.json')): AllowEntry[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { allow?: AllowEntry[] };
  return parsed.allow ?? [];
}

function main(): number {
  const allowlist = readAllowlist();
  const npm = spawnSync('npm', ['audit', '--omit=dev', '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let report: unknown = null;
  try {
    report = JSON.parse(npm.stdout || 'null');
  } catch {
    report = { message: (npm.stderr || npm.error?.message || 'sortie illisible').trim().split('\n')[0] };
  }
  const verdict = evaluateAudit(report, allowlist);
  if (verdict.kind === 'unreachable') {
    console.log(
      `⚠ Audit des dépendances NON FAIT : le service d'audit du registre npm est injoignable ou refuse la requête (${verdict.message}).\n  Aucune conclusion : relancez \`npm run audit:deps\` avec accès au registre npm.`,
    );
    return process.env.AUDIT_DEPS_REQUIRED === '1' ? 1 : 3;
  }
  for (const a of verdict.allowed)
    console.log(`  ✔ ${a.severity} ${a.package} ${a.id} : expliqué dans audit-allowlist.json`);
  for (const a of verdict.other) console.log(`  · ${a.severity} ${a.package} ${a.id} ${a.title}`);
  for (const e of verdict.stale)
    console.log(`  ⚠ audit-allowlist.json : ${e.advisory} (${e.package}) n'est plus signalé, retirez-le.`);
  if (verdict.blocking.length) {
    console.error(
      '✗ Failles graves sans explication (corrigez, ou expliquez-les dans audit-allowlist.json) :',
    );
    for (const a of verdict.blocking)
      console.error(`  ${a.severity} ${a.package} ${a.id} ${a.title} ${a.url}`);
    return 1;
  }
  console.log('✔ Audit des dépendances de production : aucune faille grave inexpliquée.');
  return 0;
}

if (import.meta.main) process.exit(main());
