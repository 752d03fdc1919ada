import node from '@astrojs/node';
import type { AstroIntegration } from 'astro';
import { envField } from 'astro/config';

/**
 * What the two Astro apps' configurations share (the site imports this as
 * `@maillage/platform/astro-server`): the node adapter with its body backstop, the hook that
 * finishes the built server entry, and the proxy setting both read the client's address with.
 */

/**
 * The standalone node adapter. Backstop: the middleware answers 413 past 64 KB
 * (@maillage/platform/body-limit) and stops reading; the adapter never reads more than 1 MB for a
 * route the middleware would miss (reaching the same limit as the middleware at once would cut the
 * connection before the 413 is sent). An app with a route that takes larger bodies (the extranet's
 * document upload, which counts its own bytes) raises it.
 */
export function nodeAdapter(options: { bodySizeLimit?: number } = {}) {
  return node({ mode: 'standalone', bodySizeLimit: options.bodySizeLimit ?? 1024 * 1024 });
}

/** An integration that calls `done` with the server build's folder once the build is written. */
export function afterServerBuild(name: string, done: (serverDir: URL) => void): AstroIntegration {
  let serverDir: URL | null = null;
  return {
    name,
    hooks: {
      'astro:config:done': ({ config }) => {
        serverDir = config.build.server;
      },
      'astro:build:done': () => {
        if (serverDir) done(serverDir);
      },
    },
  };
}

/**
 * How many reverse proxies / load balancers of ours stand in front of the app (0: none): the
 * client's address is then the right-most X-Forwarded-For hop they did not add (sign-in throttling
 * on the extranet, form rate limits on the site; see @maillage/platform/client-address).
 */
export const trustedProxiesField = () =>
  envField.number({ context: 'server', access: 'secret', default: 0, int: true, min: 0, max: 10 });
