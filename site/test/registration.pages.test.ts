import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { astroBuild } from '@maillage/scripts/testing/astro-build';
import { postChunked } from '@maillage/scripts/testing/chunked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueStamp, MIN_FILL_MS } from '../src/lib/registration/antibot.ts';
import { deriveKey } from '../src/lib/registration/signing.ts';
import { type FakeIntake, freePort, startFakeIntake } from './registration-helpers.ts';

/**
 * The forms as a browser without JavaScript sees them: the BUILT site, real HTTP posts, the
 * intake API played by a recording server (so "nothing stored" means "nothing reached the
 * extranet"), and the CMS down (these pages must not need it).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let out: string;
let server: ChildProcess;
let base: string;
let intake: FakeIntake;
let logs = '';
const TOKEN = 'pages-test-service-token';
const stampKey = deriveKey(TOKEN, 'form-stamp');

/** The built site on `port` at `siteUrl`: the intake played by the recording server, the CMS down. */
function siteEnv(port: number, siteUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: String(port),
    NODE_ENV: 'production',
    SITE_URL: siteUrl,
    EXTRANET_URL: intake.url,
    EXTRANET_SERVICE_TOKEN: TOKEN,
    CMS_URL: 'http://127.0.0.1:9',
    ...extra,
  };
}

beforeAll(async () => {
  // Inside the workspace (node_modules is git-ignored) so the server finds its dependencies.
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  out = mkdtempSync(join(root, 'node_modules', '.registration-pages-'));
  astroBuild(root, out);
  intake = await startFakeIntake(TOKEN);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [join(out, 'server', 'entry.mjs')], {
    cwd: root,
    env: siteEnv(port, base, {
      CMS_SITE_TOKEN: 'none',
      // One proxy of ours in front: the client is the right-most X-Forwarded-For hop (tests without
      // the header are the socket's 127.0.0.1, as before).
      TRUSTED_PROXIES: '1',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d) => (logs += d));
  server.stderr?.on('data', (d) => (logs += d));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/etre-rappele`)).status === 200) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`site not started:\n${logs}`);
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await intake?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

function hidden(html: string, name: string): string {
  const m = new RegExp(`name="${name.replace('.', '\\.')}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden ${name}`);
  return m[1] as string;
}

async function post(path: string, action: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${base}${path}?_action=${action}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
}

async function freshForm(path: string) {
  const html = await (await fetch(`${base}${path}`)).text();
  return {
    idempotencyKey: hidden(html, 'idempotencyKey'),
    formStamp: issueStamp(stampKey, Date.now() - 10_000),
    site_web: '',
  };
}

/** Posts `fields` over a fresh copy of the form at `path` (its key, stamp and empty honeypot). */
async function submit(path: string, action: string, fields: Record<string, string>) {
  const form = await freshForm(path);
  return { form, res: await post(path, action, { ...form, ...fields }) };
}

describe('the call-back form without JavaScript', () => {
  it('is served privately, with a key, a signed timestamp, a hidden honeypot and a label for every field', async () => {
    const res = await fetch(`${base}/etre-rappele`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('private');
    const html = await res.text();
    expect(hidden(html, 'idempotencyKey')).toMatch(/^[0-9a-f-]{36}$/);
    expect(hidden(html, 'formStamp')).toMatch(/^\d+\./);
    expect(html).toContain('name="site_web"');
    const ids = [...html.matchAll(/<(?:input|textarea|select)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(html).toContain(`for="${id}"`);
    expect(html).toContain('href="/donnees-personnelles"');
  });

  it('shows every error next to its field and in a summary, keeps what was typed, and sends nothing', async () => {
    const { form, res } = await submit('/etre-rappele', 'requestCallback', {
      firstName: '',
      phone: '12',
      message: 'Plutôt le matin',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<title>Erreur : Être rappelé·e/);
    expect(html).toContain('id="erreurs" role="alert"');
    expect(html).toContain('href="#f-firstName">Indiquez votre prénom.</a>');
    expect(html).toMatch(/href="#f-phone">Le numéro de téléphone n’est pas un numéro français valide/);
    expect(html).toMatch(
      /<input id="f-phone" name="phone" type="tel" value="12"[^>]*aria-describedby="f-phone-hint f-phone-error"[^>]*aria-invalid="true"/,
    );
    expect(html).toContain('id="f-phone-error"');
    expect(html).toContain('>Plutôt le matin</textarea>');
    expect(hidden(html, 'idempotencyKey')).toBe(form.idempotencyKey);
    expect(intake.requests).toHaveLength(0);
  });

  it('never echoes a script back as markup', async () => {
    const { res } = await submit('/etre-rappele', 'requestCallback', {
      firstName: '"><script>alert(1)</script>',
      phone: '0612345678',
    });
    const html = await res.text();
    // What was typed stays inside the value attribute (its quote is escaped): it is text, not markup.
    expect(html).toMatch(
      /<input id="f-firstName" name="firstName" type="text" value="&quot;><script>alert\(1\)<\/script>" autocomplete=/,
    );
    expect(html.split('<script>alert(1)</script>')).toHaveLength(2);
    expect(html).toContain('Les signes &lt; et &gt; ne sont pas acceptés.');
    expect(intake.requests).toHaveLength(0);
  });

  it('redirects to a confirmation with the reference, and no personal data in the URL', async () => {
    const { res } = await submit('/etre-rappele', 'requestCallback', {
      firstName: 'Nadia',
      phone: '06 12 34 56 78',
      preferredContact: 'appel',
    });
    expect(res.status).toBe(303);
    const where = res.headers.get('location') ?? '';
    expect(where).toMatch(/^\/confirmation\?t=/);
    expect(decodeURIComponent(where)).not.toMatch(/Nadia|0612|\+336/);
    expect(intake.requests).toHaveLength(1);
    const page = await fetch(`${base}${where}`);
    expect(page.headers.get('cache-control')).toContain('no-store');
    const html = await page.text();
    expect(html).toMatch(/MAI-\d{4}-\d{6}/);
    expect(html).toContain('vous rappelle sous 2 jours ouvrés');
  });

  it('gives the same reference when the same form is sent twice', async () => {
    const form = await freshForm('/etre-rappele');
    const fields = { ...form, firstName: 'Jo', phone: '0712345678' };
    const [a, b] = await Promise.all([
      post('/etre-rappele', 'requestCallback', fields),
      post('/etre-rappele', 'requestCallback', fields),
    ]);
    const ref = async (r: Response) =>
      (await (await fetch(`${base}${r.headers.get('location')}`)).text()).match(/MAI-\d{4}-\d{6}/)?.[0];
    expect(await ref(a)).toBe(await ref(b));
  });

  it('sends what only a robot fills (the honeypot) to the neutral page and stores nothing', async () => {
    const before = intake.requests.length;
    const form = await freshForm('/etre-rappele');
    const trapped = await post('/etre-rappele', 'requestCallback', {
      ...form,
      site_web: 'http://spam',
      firstName: 'Bot',
      phone: '0612345678',
    });
    expect(trapped.status).toBe(303);
    expect(trapped.headers.get('location')).toBe('/confirmation/merci');
    expect(intake.requests.length).toBe(before);
    const neutral = await (await fetch(`${base}/confirmation/merci`)).text();
    expect(neutral).toContain('Merci');
    expect(neutral).not.toMatch(/MAI-/);
  });

  it('shows a form sent too fast again, everything kept, asking to confirm — without JavaScript', async () => {
    const before = intake.requests.length;
    const form = await freshForm('/etre-rappele');
    const fields = { ...form, formStamp: issueStamp(stampKey), firstName: 'Rapide', phone: '06 12 34 56 99' };
    const fast = await post('/etre-rappele', 'requestCallback', fields);
    expect(fast.status).not.toBe(303);
    const html = await fast.text();
    expect(html).toContain('le formulaire a été rempli très vite');
    expect(html).toContain('value="Rapide"');
    expect(html).toContain('value="06 12 34 56 99"');
    expect(intake.requests.length).toBe(before);
    // The person reads the sentence and sends the page as it stands (same stamp, old enough by
    // then): the request is stored.
    const stamp = /name="formStamp" value="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(stamp).toBe(fields.formStamp);
    await new Promise((r) => setTimeout(r, MIN_FILL_MS + 200));
    const again = await post('/etre-rappele', 'requestCallback', { ...fields, formStamp: stamp });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(/^\/confirmation\?t=/);
    expect(intake.requests.length).toBe(before + 1);
  });

  it('says a confirmation link has expired instead of showing anything', async () => {
    const res = await fetch(`${base}/confirmation?t=forged.token`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Ce lien a expiré');
  });
});

/** The person the other forms are filled for. */
const AWA = { firstName: 'Awa', lastName: 'Diallo', phone: '0612345678' };

describe('the other forms', () => {
  it('asks the idea, the commune and the person’s details for individual support', async () => {
    const awa = { ...AWA, commune: '59400' };
    const { form, res } = await submit('/idee-de-projet', 'requestSupport', awa);
    const html = await res.text();
    expect(html).toContain('href="#f-projectIdea">Décrivez votre idée de projet en quelques mots.</a>');
    // A postcode shared by several communes: a short list to choose from, no JavaScript needed.
    expect(html).toContain('Plusieurs communes correspondent');
    expect(html).toMatch(/<select id="f-communeChoice" name="communeChoice">[\s\S]*Cambrai \(59400\)/);
    const ok = await post('/idee-de-projet', 'requestSupport', {
      ...form,
      ...awa,
      communeChoice: '59122',
      projectIdea: 'Une épicerie solidaire',
    });
    expect(ok.status).toBe(303);
    expect(intake.requests.at(-1)).toMatchObject({
      kind: 'support',
      communeInsee: '59122',
      communeName: 'Cambrai',
    });
  });

  it('requires the professional to confirm the person agrees', async () => {
    const { res } = await submit('/professionnel', 'registerOnBehalf', {
      'source.name': 'Paul Martin',
      'source.organisation': 'France Travail',
      'source.email': 'paul@ft.test',
      request: 'support',
      projectIdea: 'Maraîchage',
      ...AWA,
      commune: 'Douai',
    });
    const html = await res.text();
    expect(html).toContain('href="#f-source-personConsent">Confirmez que la personne est d’accord');
    expect(html).toContain('value="Paul Martin"');
  });
});

describe('request bodies', () => {
  it('answers 413 to a 8 MB chunked form post or webhook without reading it, and closes the connection', async () => {
    for (const path of ['/etre-rappele?_action=requestCallback', '/api/cms-webhook']) {
      const outcome = await postChunked(base, path, {
        total: 8 * 1024 * 1024,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(outcome.status, path).toBe(413);
      expect(outcome.closed, path).toBe(true);
      expect(outcome.sent, path).toBeLessThan(4 * 1024 * 1024);
    }
  });

  it('answers 413 in French to a declared body over 64 KB, and nothing reaches the extranet', async () => {
    const before = intake.requests.length;
    const { res } = await submit('/etre-rappele', 'requestCallback', {
      firstName: 'Awa',
      lastName: 'x'.repeat(70 * 1024),
      phone: '0612345678',
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('Requête trop volumineuse');
    expect(intake.requests.length).toBe(before);
  });
});

describe('the per-address limit behind a proxy', () => {
  const from = (forwardedFor: string) =>
    fetch(`${base}/etre-rappele?_action=requestCallback`, {
      method: 'POST',
      body: new URLSearchParams({ firstName: 'Awa' }),
      headers: {
        origin: base,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': forwardedFor,
      },
      redirect: 'manual',
    });

  it('counts posts against the real client, however the left-most X-Forwarded-For rotates', async () => {
    // 60 posts in 10 minutes per address (src/lib/registration/forms.ts), each with a new fake hop.
    for (let i = 0; i < 60; i++)
      expect((await from(`198.51.100.${i + 1}, 203.0.113.50`)).status).not.toBe(429);
    expect((await from('198.51.100.200, 203.0.113.50')).status).toBe(429);
    // Another visitor behind the same proxy is not affected.
    expect((await from('203.0.113.51')).status).not.toBe(429);
  });
});

describe('served over https', () => {
  it('tells browsers to keep to https (HSTS), which it does not say over http', async () => {
    expect((await fetch(`${base}/etre-rappele`)).headers.get('strict-transport-security')).toBeNull();
    const port = await freePort();
    const child = spawn(process.execPath, [join(out, 'server', 'entry.mjs')], {
      cwd: root,
      env: siteEnv(port, 'https://www.maillage.test'),
      stdio: 'ignore',
    });
    try {
      let res: Response | undefined;
      for (let i = 0; i < 100 && !res; i++) {
        res = await fetch(`http://127.0.0.1:${port}/etre-rappele`).catch(() => undefined);
        if (!res) await new Promise((r) => setTimeout(r, 200));
      }
      expect(res?.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
