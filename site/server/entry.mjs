// Node entry of the built site (copied to dist/server/entry.mjs by the build, see astro.config.ts).
// Pages held by the page cache (src/lib/page-cache.ts) are answered here straight away, like a CDN
// edge would; everything else goes to Astro's standalone handler (static files, then the app).
import http from 'node:http';

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler, options } = await import('./app.mjs');
// Astro loads its middleware (and the cache module) on the first request: look the cache up lazily.
const CACHE = Symbol.for('maillage.page-cache');

// Only plain page paths: never the private routes the Astro middleware refuses to cache anyway.
const PRIVATE =
  /^\/(apercu|api\/|_actions|_server-islands|inscription|etre-rappele|idee-de-projet|professionnel|confirmation)/;

const server = http.createServer((req, res) => {
  const cache = globalThis[CACHE];
  if (cache && (req.method === 'GET' || req.method === 'HEAD') && req.url && !PRIVATE.test(req.url)) {
    const hit = cache.lookup(req.url, req.headers['accept-encoding']);
    if (hit) {
      res.writeHead(hit.status, hit.headers);
      res.end(req.method === 'HEAD' ? undefined : hit.body);
      return;
    }
  }
  handler(req, res);
});

const port = Number(process.env.PORT ?? options.port ?? 4321);
const host = process.env.HOST ?? (options.host === true ? '0.0.0.0' : options.host || 'localhost');
server.keepAliveTimeout = 5000;
server.listen(port, host, () => console.log(`[site] http://${host}:${port}`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
