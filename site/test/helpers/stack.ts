// Test harness: a real seeded Strapi, a switchable proxy in front of it (to make the CMS "down" or
// answer garbage), an availability stub standing in for the extranet, and the BUILT site.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@maillage/scripts/lib/ports';
import { runService, type Service, waitForHttp } from '@maillage/scripts/lib/processes';
import { type StartedStrapi, startStrapi } from '@maillage/scripts/testing/strapi';
import { signWebhook } from '../../src/lib/webhook.ts';

export const siteDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `slow`: answers after 10 s, like a CMS that hangs (the client must give up first). */
type ProxyMode = 'pass' | 'down' | 'slow' | 'garbage' | 'corrupt-item';

export interface CmsProxy {
  url: string;
  mode: ProxyMode;
  /** Requests seen per API path (without query). */
  hits: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export async function startProxy(target: () => string): Promise<CmsProxy> {
  const proxy: CmsProxy = {
    url: '',
    mode: 'pass',
    hits: new Map(),
    total: () => [...proxy.hits.values()].reduce((a, b) => a + b, 0),
    close: () => closeServer(server),
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    proxy.hits.set(path, (proxy.hits.get(path) ?? 0) + 1);
    if (proxy.mode === 'slow') {
      const timer = setTimeout(() => res.writeHead(504).end(), 10_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (proxy.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (proxy.mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data":"<html>maintenance</html>","meta":42}');
      return;
    }
    try {
      const upstream = await fetch(`${target()}${req.url}`, {
        headers: {
          authorization: req.headers.authorization ?? '',
          accept: 'application/json',
        },
      });
      // Uploaded images pass through as bytes.
      let body: string | Uint8Array = new Uint8Array(await upstream.arrayBuffer());
      if (proxy.mode === 'corrupt-item' && upstream.ok) {
        body = new TextDecoder().decode(body);
        const json = JSON.parse(body) as { data: unknown };
        if (Array.isArray(json.data) && json.data.length > 0) {
          // The first entry loses its required slug: it must be dropped, not break the list.
          delete (json.data[0] as Record<string, unknown>).slug;
          body = JSON.stringify(json);
        }
      }
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(body);
    } catch {
      res.writeHead(502);
      res.end();
    }
  });
  proxy.url = await listen(server);
  return proxy;
}

export interface AvailabilityStub {
  url: string;
  entries: Map<string, unknown>;
  down: boolean;
  /** Answers after 10 s instead (the site must not wait that long). */
  slow: boolean;
  /** What /api/public/retention answers: not the default, so a page showing it proves it was read. */
  retention: { months: number; label: string };
  close(): Promise<void>;
}

/** Stands in for the extranet's public availability endpoint (docs/contracts.md). */
export async function startAvailabilityStub(): Promise<AvailabilityStub> {
  const stub: AvailabilityStub = {
    url: '',
    entries: new Map(),
    down: false,
    slow: false,
    retention: { months: 24, label: '2 ans' },
    close: () => closeServer(server),
  };
  const server = createServer((req, res) => {
    if (stub.slow) {
      const timer = setTimeout(() => res.writeHead(504).end(), 10_000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (stub.down) {
      req.socket.destroy();
      return;
    }
    if (req.url === '/api/public/retention') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(stub.retention));
      return;
    }
    const m = /^\/api\/public\/availability\/([^/?]+)/.exec(req.url ?? '');
    const entry = m ? stub.entries.get(decodeURIComponent(m[1] as string)) : undefined;
    res.writeHead(entry ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(entry ?? { error: 'not_found' }));
  });
  stub.url = await listen(server);
  return stub;
}

export interface Stack {
  cms: StartedStrapi;
  proxy: CmsProxy;
  availability: AvailabilityStub;
  siteUrl: string;
  site: Service | null;
  /** Stops the real CMS process (the proxy then fails to connect, like a down CMS). */
  stopCms(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs the BUILT site (dist/server/entry.mjs) on a loopback port with the given settings. */
export async function startBuiltSite(port: number, env: Record<string, string>): Promise<Service> {
  const url = `http://127.0.0.1:${port}`;
  const site = runService('site', process.execPath, ['dist/server/entry.mjs'], {
    cwd: siteDir,
    quiet: process.env.MAILLAGE_TEST_VERBOSE !== '1',
    env: {
      ...process.env,
      // Production, as deployed; but the clock may be moved (MAILLAGE_NOW, the CI's hour runs)
      // only in test mode, never in production.
      NODE_ENV: process.env.MAILLAGE_NOW ? 'test' : 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      SITE_URL: url,
      EXTRANET_SERVICE_TOKEN: 'unused-in-these-tests',
      ASTRO_TELEMETRY_DISABLED: '1',
      ...env,
    },
  });
  try {
    await waitForHttp(`${url}/robots.txt`, site, 60_000);
  } catch (error) {
    await site.stop();
    throw error;
  }
  return site;
}

/** Starts Strapi (its webhook pointed at the site), the proxy, the stub and, unless told not to, the built site. */
export async function startStack(opts: { site?: boolean } = {}): Promise<Stack> {
  const sitePort = await freePort();
  const siteUrl = `http://127.0.0.1:${sitePort}`;
  let cmsUrl = '';
  const proxy = await startProxy(() => cmsUrl);
  const availability = await startAvailabilityStub();
  const cms = await startStrapi({ env: { SITE_URL: siteUrl } });
  cmsUrl = cms.url;
  let cmsStopped = false;
  let site: Service | null = null;
  if (opts.site !== false) {
    try {
      site = await startBuiltSite(sitePort, {
        CMS_URL: proxy.url,
        CMS_SITE_TOKEN: cms.siteToken,
        CMS_PREVIEW_TOKEN: cms.env.CMS_PREVIEW_TOKEN ?? '',
        CMS_WEBHOOK_SECRET: cms.webhookSecret,
        PREVIEW_SECRET: cms.previewSecret,
        EXTRANET_URL: availability.url,
      });
    } catch (error) {
      await Promise.all([cms.stop(), proxy.close(), availability.close()]);
      throw error;
    }
  }
  return {
    cms,
    proxy,
    availability,
    siteUrl,
    site,
    async stopCms() {
      if (!cmsStopped) await cms.stop();
      cmsStopped = true;
    },
    async stop() {
      await Promise.all([
        site?.stop(),
        cmsStopped ? undefined : cms.stop(),
        proxy.close(),
        availability.close(),
      ]);
    },
  };
}

// Strapi allows 5 admin sign-ins a minute per address: one session per CMS for a test file.
const adminTokens = new Map<string, string>();

/** Logs into the Strapi admin as the demo admin and returns a small content-manager client. */
export async function adminClient(cmsUrl: string) {
  let token = adminTokens.get(cmsUrl);
  if (!token) {
    const login = await fetch(`${cmsUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@maillage.test', password: 'maillage-demo-2026' }),
    });
    if (!login.ok) throw new Error(`Connexion admin refusée (${login.status})`);
    token = ((await login.json()) as { data: { token: string } }).data.token;
    adminTokens.set(cmsUrl, token);
  }
  const jwt = token;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${cmsUrl}/content-manager/collection-types/${path}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ data: Record<string, unknown> }>;
  };
  return {
    /** Uploads an image to the media library, with its alternative text. */
    async upload(bytes: Uint8Array, name: string, alternativeText: string) {
      const form = new FormData();
      form.append('files', new Blob([bytes as BlobPart], { type: 'image/png' }), name);
      form.append('fileInfo', JSON.stringify({ alternativeText, name }));
      const res = await fetch(`${cmsUrl}/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}` },
        body: form,
      });
      if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
      return ((await res.json()) as Array<{ id: number; url: string }>)[0]!;
    },
    /** Creates and publishes a document in one call; the raw answer (status and JSON). */
    async createAndPublish(uid: string, data: Record<string, unknown>) {
      const res = await fetch(`${cmsUrl}/content-manager/collection-types/${uid}/actions/publish`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify(data),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    /** Changes fields of a document and publishes it (what an editor does in the admin). */
    async updateAndPublish(uid: string, documentId: string, data: Record<string, unknown>) {
      await call('PUT', `${uid}/${documentId}`, data);
      await call('POST', `${uid}/${documentId}/actions/publish`, {});
    },
    /** Takes a document off the site (its draft stays in the CMS). */
    async unpublish(uid: string, documentId: string) {
      await call('POST', `${uid}/${documentId}/actions/unpublish`, {});
    },
    /** Changes the draft of a single type (the global settings) only. */
    async updateSingleDraft(uid: string, data: Record<string, unknown>) {
      const res = await fetch(`${cmsUrl}/content-manager/single-types/${uid}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify(data),
      });
      if (!res.ok) throw new Error(`PUT ${uid}: ${res.status} ${await res.text()}`);
    },
    /** Changes the draft only (for the preview). */
    async updateDraft(uid: string, documentId: string, data: Record<string, unknown>) {
      await call('PUT', `${uid}/${documentId}`, data);
    },
  };
}

/** One address of each public page type (event and story chosen by the caller). */
export function pagePaths(eventSlug: string, storySlug: string): string[] {
  return [
    '/',
    '/programmes',
    '/programmes/parcours-emploi',
    '/agenda',
    '/agenda?commune=Orchies',
    `/agenda/${eventSlug}`,
    '/temoignages',
    `/temoignages/${storySlug}`,
    '/actualites',
    '/partenaires',
    '/a-propos',
    '/contact',
    '/mentions-legales',
    '/donnees-personnelles',
    '/accessibilite',
  ];
}

/** Sends the site a webhook signed like the CMS signs it (docs/contracts.md). */
export function postWebhook(stack: Stack, body: Record<string, unknown>): Promise<Response> {
  const raw = JSON.stringify(body);
  const ts = String(Date.now());
  return fetch(`${stack.siteUrl}/api/cms-webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-maillage-timestamp': ts,
      'x-maillage-signature': signWebhook(stack.cms.webhookSecret, ts, raw),
    },
    body: raw,
  });
}
