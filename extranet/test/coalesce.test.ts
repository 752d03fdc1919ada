import { describe, expect, it } from 'vitest';
import { coalesce } from '../src/lib/coalesce.ts';

/**
 * A refresh the test finishes by hand: each run is recorded and lasts until `end(i, …)`, which
 * also lets whatever follows it start.
 */
function fakeRefresh() {
  const runs: PromiseWithResolvers<number>[] = [];
  let active = 0;
  let maxActive = 0;
  const task = async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    const run = Promise.withResolvers<number>();
    runs.push(run);
    try {
      return await run.promise;
    } finally {
      active--;
    }
  };
  const end = async (i: number, outcome: number | Error) => {
    if (outcome instanceof Error) runs[i]?.reject(outcome);
    else runs[i]?.resolve(outcome);
    await settle();
  };
  return { refresh: coalesce(task), runs, end, maxActive: () => maxActive };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('coalesce (the CMS copy refresh)', () => {
  it('runs once when called while idle', async () => {
    const f = fakeRefresh();
    const a = f.refresh();
    expect(f.runs).toHaveLength(1);
    await f.end(0, 1);
    await expect(a).resolves.toBe(1);
    expect(f.runs).toHaveLength(1);
  });

  it('a request during a refresh gets exactly one more refresh, started when the first ends', async () => {
    const f = fakeRefresh();
    const first = f.refresh();
    // Three webhooks arrive while the first refresh runs (a publish it may not have seen).
    const during = [f.refresh(), f.refresh(), f.refresh()];
    await settle();
    expect(f.runs).toHaveLength(1);
    let answered = false;
    void Promise.all(during).then(() => {
      answered = true;
    });
    await f.end(0, 1);
    await expect(first).resolves.toBe(1);
    // The webhooks answer after the follow-up refresh, not with the one that was under way.
    expect(f.runs).toHaveLength(2);
    expect(answered).toBe(false);
    await f.end(1, 2);
    await expect(Promise.all(during)).resolves.toEqual([2, 2, 2]);
    expect(f.runs).toHaveLength(2);
    expect(f.maxActive()).toBe(1);
  });

  it('a request during the follow-up gets a follow-up of its own', async () => {
    const f = fakeRefresh();
    void f.refresh();
    const second = f.refresh();
    await f.end(0, 1);
    const third = f.refresh();
    await f.end(1, 2);
    await expect(second).resolves.toBe(2);
    expect(f.runs).toHaveLength(3);
    await f.end(2, 3);
    await expect(third).resolves.toBe(3);
    expect(f.maxActive()).toBe(1);
  });

  it('a failed refresh still starts the follow-up, and its callers get the follow-up answer', async () => {
    const f = fakeRefresh();
    const first = f.refresh();
    const during = f.refresh();
    first.catch(() => undefined);
    await f.end(0, new Error('CMS down'));
    await expect(first).rejects.toThrow('CMS down');
    expect(f.runs).toHaveLength(2);
    await f.end(1, 7);
    await expect(during).resolves.toBe(7);
    // Idle again: the next call starts at once.
    void f.refresh();
    expect(f.runs).toHaveLength(3);
  });
});
