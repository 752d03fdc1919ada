// `npm run bench`: builds, then runs the `bench` script of each package that has one (each prints its
// own detailed tables), then prints ONE table of every figure with its budget and writes the same
// figures as JSON, one file per run (.bench/bench-<date>.json), so that runs can be compared.
// Benchmarks measure; budgets are reported, not asserted.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExtranetFigures, noLoss, printTable } from './lib/bench-table.ts';
import { run } from './lib/processes.ts';
import { bin, root } from './lib/workspace.ts';
import { setup } from './setup.ts';

const titles: Record<string, string> = {
  site: 'Site : poids des pages, EcoIndex, Lighthouse, débit (page de session en cache)',
  extranet:
    'Extranet : dépôt de 200 demandes, liste des demandes à 10 000 et 100 000 inscriptions, envoi de documents de 10 Mo, recherche globale sur 100 000 personnes',
};

interface SiteFigures {
  pages: Record<string, string | number>[];
  throughput: { siteRps: number; staticRps: number; ratio: number };
  budgets: { kb: number; requests: number; jsKb: number; eco: number; lighthouse: number; ratio: number };
}
setup();
if (!process.env.TEST_DATABASE_URL && !process.env.BENCH_DATABASE_URL) {
  console.log('› BENCH_DATABASE_URL absent : la mesure PostgreSQL de l’extranet est ignorée.');
}
await run(bin('turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root });
const figuresDir = mkdtempSync(join(tmpdir(), 'maillage-bench-'));
let failed = false;
for (const pkg of ['site', 'extranet']) {
  const manifest = JSON.parse(readFileSync(join(root, pkg, 'package.json'), 'utf8'));
  if (!manifest.scripts?.bench) continue;
  console.log(`\n━━ ${titles[pkg] ?? pkg}`);
  try {
    await run('npm', ['run', 'bench', '-w', pkg, '--silent'], {
      cwd: root,
      env: { ...process.env, BENCH_JSON: join(figuresDir, `${pkg}.json`) },
    });
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    failed = true;
  }
}

const read = <T>(pkg: string): T | undefined => {
  const file = join(figuresDir, `${pkg}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
};
const site = read<SiteFigures>('site');
const extranet = read<ExtranetFigures>('extranet');
rmSync(figuresDir, { recursive: true, force: true });

const yes = (ok: boolean) => (ok ? 'oui' : 'NON');
const rows: string[][] = [];
if (site) {
  const b = site.budgets;
  for (const p of site.pages) {
    const lh = typeof p.Lighthouse === 'number' ? p.Lighthouse : null;
    const ok =
      Number(p['KB transférés']) <= b.kb &&
      Number(p.requêtes) <= b.requests &&
      Number(p['KB JS']) <= b.jsKb &&
      Number(p.EcoIndex) > b.eco &&
      (lh === null || lh >= b.lighthouse);
    rows.push([
      'site',
      `page ${p.page}`,
      `${p['KB transférés']} Ko · ${p.requêtes} req. · ${p['KB JS']} Ko JS · ${p['nœuds DOM']} nœuds · EcoIndex ${p.EcoIndex} (${p.note}) · Lighthouse ${p.Lighthouse}`,
      `≤ ${b.kb} Ko, ≤ ${b.requests} req., ≤ ${b.jsKb} Ko JS, EcoIndex > ${b.eco}, Lighthouse ≥ ${b.lighthouse}`,
      yes(ok),
    ]);
  }
  const t = site.throughput;
  rows.push([
    'site',
    'page de session en cache / serveur statique',
    `${Math.round(t.siteRps)} / ${Math.round(t.staticRps)} req/s = ${t.ratio.toFixed(2)}`,
    `≥ ${b.ratio}`,
    yes(t.ratio >= b.ratio),
  ]);
}
if (extranet) {
  for (const i of extranet.intake) {
    rows.push([
      'extranet',
      `${i.concurrent} demandes simultanées (${i.base})`,
      `${Math.round(i.rps)} req/s · ${i.acknowledged} acceptées · ${i.stored} enregistrées · ${i.lost} perdue(s)`,
      'zéro perte',
      yes(noLoss(i)),
    ]);
  }
  const b = extranet.budgets;
  for (const [n, r] of extranet.inbox.entries()) {
    const first = extranet.inbox.findIndex((x) => x.base === r.base) === n;
    rows.push([
      'extranet',
      `liste des demandes, ${r.registrations.toLocaleString('fr-FR')} inscriptions (${r.base})`,
      `p50 ${r.p50.toFixed(0)} ms · p95 ${r.p95.toFixed(0)} ms · ${r.rps.toFixed(0)} req/s${first ? '' : ` · ×${r.growth?.toFixed(2)}`}`,
      first ? `p95 ≤ ${b.inboxP95Ms} ms` : `p95 ≤ ×${b.inboxGrowth} de la première taille`,
      yes(first ? r.p95 <= b.inboxP95Ms : r.growth !== null && r.growth <= b.inboxGrowth),
    ]);
  }
  const fileBudget = b.personFileP95Ms ?? 100;
  for (const r of extranet.personFile ?? []) {
    rows.push([
      'extranet',
      `dossier d’une personne, ${r.entries} entrées d’historique, ${r.users} utilisateurs (${r.base})`,
      `p50 ${r.p50.toFixed(0)} ms · p95 ${r.p95.toFixed(0)} ms · ${r.rps.toFixed(0)} req/s · ${r.errors} erreur(s)`,
      `p95 ≤ ${fileBudget} ms, aucune erreur`,
      yes(r.p95 <= fileBudget && r.errors === 0),
    ]);
  }
  const d = extranet.documentBudgets;
  for (const f of d ? (extranet.documents ?? []) : []) {
    rows.push([
      'extranet',
      `envoi d’un document de ${f.mb} Mo, ${f.uploads} à la suite (${f.base})`,
      `p95 ${f.p95.toFixed(0)} ms · max ${f.max.toFixed(0)} ms · RSS ${f.rssBeforeMb.toFixed(0)} → ${f.rssAfterMb.toFixed(0)} Mo · 10 Mo + 1 octet : ${f.overLimitStatus}`,
      `≤ ${d!.uploadMs} ms, RSS + ≤ ${d!.rssGrowthMb} Mo, 413 sans fichier`,
      yes(
        f.max <= d!.uploadMs &&
          f.rssAfterMb - f.rssBeforeMb <= d!.rssGrowthMb &&
          f.overLimitStatus === 413 &&
          f.overLimitLeftFiles === 0,
      ),
    ]);
  }
}
if (extranet?.signedIn) {
  for (const f of extranet.signedIn) {
    const value = `${Math.round(f.rps)} req/s · p95 ${f.p95.toFixed(0)} ms`;
    if (f.budget === null) {
      rows.push(['extranet', `${f.page}, 25 utilisateurs (${f.base})`, value, 'référence', '—']);
      continue;
    }
    rows.push([
      'extranet',
      `${f.page}, connecté, 25 utilisateurs (${f.base})`,
      `${value} · ${Math.round(f.ratio * 100)} % de /connexion`,
      `≥ ${Math.round(f.budget * 100)} %, p95 ≤ ${f.p95Budget} ms`,
      yes(f.errors === 0 && f.ratio >= f.budget && f.p95 <= f.p95Budget),
    ]);
  }
}
for (const s of extranet?.search ?? []) {
  const budget = extranet?.searchBudgets?.p95Ms ?? 100;
  rows.push([
    'extranet',
    `recherche globale, ${s.persons.toLocaleString('fr-FR')} personnes et ${s.requests.toLocaleString('fr-FR')} demandes, ${s.users} utilisateurs (${s.base})`,
    `p50 ${s.p50.toFixed(0)} ms · p95 ${s.p95.toFixed(0)} ms · ${s.rps.toFixed(0)} req/s · ${s.errors} erreur(s) · page témoin p95 ${s.baselineP95.toFixed(0)} ms`,
    `p95 ≤ ${budget} ms, zéro erreur`,
    yes(s.p95 <= budget && s.errors === 0),
  ]);
}
const header = ['app', 'mesure', 'valeur', 'budget', 'respecté'];
console.log('\n━━ Tableau du banc\n');
printTable(header, rows);
const at = new Date().toISOString();
const dir = join(root, '.bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, `bench-${at.replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      at,
      node: process.version,
      site,
      extranet,
      table: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
    },
    null,
    2,
  ),
);
console.log(`\nChiffres de ce passage : ${file}`);
process.exit(failed || rows.some((r) => r[4] === 'NON') ? 1 : 0);
