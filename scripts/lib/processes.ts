import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Service {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const colours = { cms: 35, site: 36, extranet: 33 } as Record<string, number>;

/** Spawns a long-running process in its own process group, prefixing each line of its output. */
export function runService(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; quiet?: boolean },
): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `\x1b[${colours[name] ?? 37}m[${name}]\x1b[0m `;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    const lines = createInterface({ input: stream });
    if (!options.quiet) lines.on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        return;
      }
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
        await exited;
      }
    },
  };
}

/** Polls `url` until it answers below 500, the service exits, or the timeout passes. */
export async function waitForHttp(url: string, service: Service, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  service.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`${service.name} s'est arrêté avant d'être prêt (code ${service.child.exitCode}).`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
      if (response.status < 500) return;
    } catch {}
    await sleep(300);
  }
  throw new Error(`${service.name} ne répond pas sur ${url} après ${Math.round(timeoutMs / 1000)} s.`);
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} a échoué (${signal ?? `code ${code}`}).`)),
    );
  });
}
