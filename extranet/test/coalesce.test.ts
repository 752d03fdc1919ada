import { describe, expect, it } from 'vitest';
import { coalesce } from '../src/lib/coalesce.ts';

/** A refresh the test finishes by hand: each run is recorded and waits for `finish(i)`. */
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
  return { task, runs, maxActive: () => maxActive };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('coalesce (the CMS copy refresh)', () => {
  it('runs once when called while idle', async () => {
    const f = fakeRefresh();
    const refresh = coalesce(f.task);
    const a = refresh();
    expect(f.runs).toHaveLength(1);
    f.runs[0]?.resolve(1);
    await expect(a).resolves.toBe(1);
    await settle();
    expect(f.runs).toHaveLength(1);
  });

  it('a request during a refresh gets exactly one more refresh, started when the first ends', async () => {
    const f = fakeRefresh();
    const refresh = coalesce(f.task);
    const first = refresh();
    // Three webhooks arrive while the first refresh runs (a publish it may not have seen).
    const during = [refresh(), refresh(), refresh()];
    await settle();
    expect(f.runs).toHaveLength(1);
    f.runs[0]?.resolve(1);
    await expect(first).resolves.toBe(1);
    await settle();
    expect(f.runs).toHaveLength(2);
    let answered = false;
    void Promise.all(during).then(() => {
      answered = true;
    });
    await settle();
    // The webhooks answer after the follow-up refresh, not with the one that was under way.
    expect(answered).toBe(false);
    f.runs[1]?.resolve(2);
    await expect(Promise.all(during)).resolves.toEqual([2, 2, 2]);
    await settle();
    expect(f.runs).toHaveLength(2);
    expect(f.maxActive()).toBe(1);
  });

  it('a request during the follow-up gets a follow-up of its own', async () => {
    const f = fakeRefresh();
    const refresh = coalesce(f.task);
    void refresh();
    const second = refresh();
    f.runs[0]?.resolve(1);
    await settle();
    const third = refresh();
    f.runs[1]?.resolve(2);
    await expect(second).resolves.toBe(2);
    await settle();
    expect(f.runs).toHaveLength(3);
    f.runs[2]?.resolve(3);
    await expect(third).resolves.toBe(3);
    expect(f.maxActive()).toBe(1);
  });

  it('a failed refresh still starts the follow-up, and its callers get the follow-up answer', async () => {
    const f = fakeRefresh();
    const refresh = coalesce(f.task);
    const first = refresh();
    const during = refresh();
    f.runs[0]?.reject(new Error('CMS down'));
    await expect(first).rejects.toThrow('CMS down');
    await settle();
    expect(f.runs).toHaveLength(2);
    f.runs[1]?.resolve(7);
    await expect(during).resolves.toBe(7);
    // Idle again: the next call starts at once.
    void refresh();
    expect(f.runs).toHaveLength(3);
  });
});
