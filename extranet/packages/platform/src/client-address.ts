import { isIP } from 'node:net';

/**
 * The client's address for per-address limits, shared by the site and the extranet.
 *
 * Behind `trustedProxies` reverse proxies (load balancer, CDN…), each proxy appends the address it
 * received the request from to X-Forwarded-For. Reading the list from the right, the socket's
 * peer and the last `trustedProxies - 1` entries are our own proxies; the next entry to the left is
 * the first hop we did not add ourselves: the client. Anything further left was written by the
 * client and is ignored, so rotating the left-most value escapes nothing. With no trusted proxy the
 * socket's address is the client, whatever the header says.
 */
export function clientAddress(input: {
  /** the X-Forwarded-For header(s), as received */
  forwardedFor: string | null | undefined;
  /** the address of the socket's peer */
  socketAddress: string;
  /** how many reverse proxies of ours stand in front of the app (0: none) */
  trustedProxies: number;
}): string {
  const proxies = Math.max(0, Math.floor(input.trustedProxies || 0));
  if (proxies === 0) return input.socketAddress;
  const hops = (input.forwardedFor ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const chain = [...hops, input.socketAddress];
  // Fewer hops than proxies: the left-most entry was written by one of our proxies.
  const candidate = chain[Math.max(0, chain.length - 1 - proxies)] ?? input.socketAddress;
  return isIP(candidate) ? candidate : input.socketAddress;
}
