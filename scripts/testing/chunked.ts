// Sends a large chunked body over a raw socket, the way an attacker would, and reports how far
// the server let it go: what it answered, how many bytes were written before it stopped
// listening, and whether it closed the connection.
import { connect } from 'node:net';

const CRLF = Buffer.from('\r\n');

export interface ChunkedOutcome {
  /** the status line's code, 0 when nothing came back */
  status: number;
  /** the raw answer (headers and body) */
  answer: string;
  /** body bytes written before the answer came or the socket closed */
  sent: number;
  /** the server closed the connection */
  closed: boolean;
}

export function postChunked(
  base: string,
  path: string,
  opts: { total: number; chunk?: number; headers?: Record<string, string> },
): Promise<ChunkedOutcome> {
  const url = new URL(base);
  const chunk = Buffer.alloc(opts.chunk ?? 16 * 1024, 'a');
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    let sent = 0;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      socket.destroy();
      resolve({ status, answer, sent, closed });
    };
    socket.on('data', (d) => {
      answer += d.toString('utf8');
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      const head = [
        `POST ${path} HTTP/1.1`,
        `Host: ${url.host}`,
        `Origin: ${url.origin}`,
        'Transfer-Encoding: chunked',
        ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      while (!done && sent < opts.total) {
        const ok = socket.write(
          Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, CRLF]),
        );
        sent += chunk.length;
        if (!ok) await new Promise((r) => socket.once('drain', r).once('close', r));
        // Paced like a slow upload, so that an early answer is read before the server closes.
        await new Promise((r) => setTimeout(r, 1));
        // Once an answer is in, stop pushing: the server has decided.
        if (answer.includes('\r\n\r\n')) break;
      }
      if (!done && sent >= opts.total) socket.write('0\r\n\r\n');
      // Give the server a moment to answer and close.
      setTimeout(() => finish(socket.destroyed), 3000).unref();
    });
  });
}
