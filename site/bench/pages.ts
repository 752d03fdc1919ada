// Benchmark of the public site (issue 3): per page type in Chromium with an empty cache —
// transferred bytes, requests, JavaScript bytes, DOM nodes, EcoIndex — then Lighthouse mobile
// performance, then throughput of a cached event page against a plain node:http static server.
// Run: npm run bench -w site (needs `npm run build -w cms` and `npm run build -w site`).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@maillage/scripts/lib/ports';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@maillage/scripts/testing/chromium';
import autocannon from 'autocannon';
import lighthouse from 'lighthouse';
import { launch, phone } from '../e2e/browser.ts';
import { startStack } from '../test/helpers/stack.ts';
import { ecoIndex } from './ecoindex.ts';

const BUDGET = { kb: 150, requests: 20, jsKb: 30, eco: 80, lighthouse: 95, cls: 0, ratio: 0.6 };
// Lighthouse varies by ±5 on this machine: each page's score is the median of three runs.
const LIGHTHOUSE_RUNS = 3;

const stack = await startStack();
try {
  const api = async (path: string) =>
    (
      (await (
        await fetch(`${stack.cms.url}${path}`, {
          headers: { authorization: `Bearer ${stack.cms.siteToken}` },
        })
      ).json()) as { data: { slug: string }[] }
    ).data;
  const eventSlug = (await api('/api/events?fields[0]=slug&pagination[pageSize]=1'))[0]?.slug;
  const storySlug = (await api('/api/stories?fields[0]=slug&pagination[pageSize]=1'))[0]?.slug;
  const newsSlug = (await api('/api/news-items?fields[0]=slug&pagination[pageSize]=1'))[0]?.slug;
  const pages: [string, string][] = [
    ['accueil', '/'],
    ['programmes', '/programmes'],
    ['programme (image, FSE)', '/programmes/parcours-emploi'],
    ['agenda', '/agenda'],
    ['agenda près de chez moi', '/agenda?commune=Orchies'],
    ['session', `/agenda/${eventSlug}`],
    ['témoignages', '/temoignages'],
    ['témoignage', `/temoignages/${storySlug}`],
    ['actualités (images)', '/actualites'],
    ['actualité (image)', `/actualites/${newsSlug}`],
    ['partenaires', '/partenaires'],
    ['page (à propos)', '/a-propos'],
    ['contact', '/contact'],
    ['404', '/introuvable'],
  ];

  // 1. Weight, requests, JS, DOM, EcoIndex — a fresh context per page (empty cache).
  const { browser, close } = await launch();
  const rows: Record<string, string | number>[] = [];
  for (const [name, path] of pages) {
    const ctx = await phone(browser);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const types = new Map<string, string>();
    let bytes = 0;
    let jsBytes = 0;
    let requests = 0;
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      requests++;
      bytes += e.encodedDataLength;
      if (types.get(e.requestId) === 'Script') jsBytes += e.encodedDataLength;
    });
    await page.goto(`${stack.siteUrl}${path}`, { waitUntil: 'networkidle' });
    const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
    const eco = ecoIndex(dom, requests, bytes / 1024);
    rows.push({
      page: name,
      'KB transférés': +(bytes / 1024).toFixed(1),
      requêtes: requests,
      'KB JS': +(jsBytes / 1024).toFixed(1),
      'nœuds DOM': dom,
      EcoIndex: eco.score,
      note: eco.grade,
    });
    await ctx.close();
  }
  await close();

  // 2. Lighthouse mobile performance (default mobile config: simulated slow 4G, mid-range phone).
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'maillage-lighthouse-'));
  const chrome = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/json/version`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await sleep(200);
  }
  try {
    for (const row of rows) {
      // Lighthouse does not score an error page (HTTP 404): it is measured above, not here.
      if (row.page === '404') {
        row.Lighthouse = '—';
        continue;
      }
      const path = pages.find(([n]) => n === row.page)?.[1] ?? '/';
      const audit = () =>
        lighthouse(`${stack.siteUrl}${path}`, {
          port,
          onlyCategories: ['performance'],
          logLevel: 'error',
          output: 'json',
        });
      const scores: number[] = [];
      let cls = 0;
      for (let run = 0; run < LIGHTHOUSE_RUNS; run++) {
        // A run that Lighthouse itself could not finish (no score) is retried once, and said.
        let result = await audit();
        if (result?.lhr.categories.performance?.score == null) {
          console.warn(
            `Lighthouse ${path}: ${result?.lhr.runtimeError?.code ?? 'pas de score'}, nouvel essai`,
          );
          result = await audit();
        }
        scores.push(Math.round((result?.lhr.categories.performance?.score ?? 0) * 100));
        cls = Math.max(cls, result?.lhr.audits['cumulative-layout-shift']?.numericValue ?? 0);
      }
      scores.sort((a, b) => a - b);
      row.Lighthouse = scores[Math.floor(scores.length / 2)]!;
      row['Lighthouse (3 essais)'] = scores.join('/');
      row.CLS = +cls.toFixed(3);
    }
  } finally {
    chrome.kill();
    rmSync(profile, { recursive: true, force: true });
  }

  // 3. Throughput: the cached event page vs a static server sending the same bytes.
  const url = `${stack.siteUrl}/agenda/${eventSlug}`;
  const warm = await fetch(url);
  const body = Buffer.from(await warm.arrayBuffer());
  const type = warm.headers.get('content-type') ?? 'text/html';
  const staticServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': type, 'content-length': body.byteLength });
    res.end(body);
  });
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', () => r()));
  const staticUrl = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}/`;
  const load = async (target: string) =>
    (await autocannon({ url: target, connections: 50, duration: 8 })).requests.average;
  await load(url); // warm-up (JIT, page cache)
  const siteRps = await load(url);
  const staticRps = await load(staticUrl);
  staticServer.close();

  console.log('\nPoids et sobriété (Chromium, cache vide, téléphone 390×844)');
  console.table(rows);
  const worst = (k: string) =>
    Math.max(...rows.filter((r) => typeof r[k] === 'number').map((r) => Number(r[k])));
  const worstMin = (k: string) =>
    Math.min(...rows.filter((r) => typeof r[k] === 'number').map((r) => Number(r[k])));
  const ratio = siteRps / staticRps;
  const budget = [
    ['KB transférés (max)', worst('KB transférés'), `≤ ${BUDGET.kb}`, worst('KB transférés') <= BUDGET.kb],
    ['requêtes (max)', worst('requêtes'), `≤ ${BUDGET.requests}`, worst('requêtes') <= BUDGET.requests],
    ['KB JS (max)', worst('KB JS'), `≤ ${BUDGET.jsKb}`, worst('KB JS') <= BUDGET.jsKb],
    ['EcoIndex (min)', worstMin('EcoIndex'), `> ${BUDGET.eco} (A)`, worstMin('EcoIndex') > BUDGET.eco],
    [
      'Lighthouse mobile (min)',
      worstMin('Lighthouse'),
      `≥ ${BUDGET.lighthouse}`,
      worstMin('Lighthouse') >= BUDGET.lighthouse,
    ],
    ['CLS (max)', worst('CLS'), `= ${BUDGET.cls}`, worst('CLS') <= BUDGET.cls],
    [
      'débit session / statique',
      `${Math.round(siteRps)} / ${Math.round(staticRps)} req/s = ${ratio.toFixed(2)}`,
      `≥ ${BUDGET.ratio}`,
      ratio >= BUDGET.ratio,
    ],
  ].map(([mesure, valeur, budget, ok]) => ({ mesure, valeur, budget, respecté: ok ? 'oui' : 'NON' }));
  console.log('\nBudgets');
  console.table(budget);
  // scripts/bench.ts merges these figures into the run's one table and JSON file.
  if (process.env.BENCH_JSON) {
    writeFileSync(
      process.env.BENCH_JSON,
      JSON.stringify(
        { pages: rows, throughput: { siteRps, staticRps, ratio }, budgets: BUDGET, budget },
        null,
        2,
      ),
    );
  }
  process.exitCode = budget.every((b) => b.respecté === 'oui') ? 0 : 1;
} finally {
  await stack.stop();
}
