// Phone-size walk: node walk.tmp.mjs http://localhost:4322
import { chromium } from 'playwright-core';
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
const shots = [];
async function shot(name) {
  await page.screenshot({ path: `/work/walk/${name}.png`, fullPage: true });
  const text = (await page.innerText('main').catch(() => page.innerText('body'))).replace(/\n{2,}/g, '\n');
  shots.push(`\n===== ${name} ${page.url()}\n${text.slice(0, 2500)}`);
}
await page.goto(`${base}/connexion`);
await page.getByLabel('Adresse e-mail').fill('conseiller@maillage.test');
await page.getByLabel('Mot de passe').fill(process.argv[3] ?? 'maillage-demo-2026');
await page.getByRole('button', { name: /connecter/i }).click();
await page.waitForLoadState('load');
await shot('01-accueil');
await page.goto(`${base}/ma-journee`); await shot('02-ma-journee');
const links = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
console.log('links on ma-journee:', links.slice(0, 40).join(' '));
const person = links.find((h) => /^\/personnes\/\d+/.test(h ?? ''));
if (person) { await page.goto(`${base}${person}`); await shot('03-fiche'); }
await page.goto(`${base}/demandes`); await shot('04-demandes');
const req = await page.locator('main a[href^="/demandes/"]').first().getAttribute('href').catch(() => null);
if (req) { await page.goto(`${base}${req}`); await shot('05-demande'); }
await page.goto(`${base}/accompagnements`); await shot('06-accompagnements');
await page.goto(`${base}/recherche?q=dubios`); await shot('07-recherche');
const ses = links.find((h) => /^\/sessions\//.test(h ?? ''));
if (ses) { await page.goto(`${base}${ses}`); await shot('08-session'); }
console.log(shots.join('\n'));
await browser.close();
