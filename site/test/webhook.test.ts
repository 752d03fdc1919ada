import { describe, expect, it } from 'vitest';
import { createReplayGuard, signWebhook, verifyWebhook } from '../src/lib/webhook.ts';

const secret = 's3cret';
const body = '{"event":"entry.publish","model":"event","documentId":"abc","at":"2026-11-26T12:00:00.000Z"}';

describe('CMS webhook signature', () => {
  const now = 1_800_000_000_000;
  const ts = String(now - 1000);
  const signature = signWebhook(secret, ts, body);

  it('accepts a correct, recent signature', () => {
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook({ secret, timestamp: ts, signature, rawBody: body, now })).toBe(true);
  });

  it('refuses a missing or wrong signature, a changed body, or no secret configured', () => {
    expect(verifyWebhook({ secret, timestamp: ts, signature: null, rawBody: body, now })).toBe(false);
    expect(
      verifyWebhook({ secret, timestamp: ts, signature: signWebhook('other', ts, body), rawBody: body, now }),
    ).toBe(false);
    expect(
      verifyWebhook({ secret, timestamp: ts, signature, rawBody: body.replace('abc', 'abd'), now }),
    ).toBe(false);
    expect(verifyWebhook({ secret: undefined, timestamp: ts, signature, rawBody: body, now })).toBe(false);
    expect(verifyWebhook({ secret, timestamp: ts, signature: 'sha256=00', rawBody: body, now })).toBe(false);
  });

  it('refuses a timestamp older than 5 minutes (replay)', () => {
    const old = String(now - 6 * 60 * 1000);
    expect(
      verifyWebhook({
        secret,
        timestamp: old,
        signature: signWebhook(secret, old, body),
        rawBody: body,
        now,
      }),
    ).toBe(false);
    expect(verifyWebhook({ secret, timestamp: 'abc', signature, rawBody: body, now })).toBe(false);
  });
});

describe('CMS webhook replays', () => {
  it('accepts a signature once until it expires, then forgets it', () => {
    const guard = createReplayGuard();
    const now = 1_800_000_000_000;
    expect(guard.first('sha256=aa', now + 300_000, now)).toBe(true);
    expect(guard.first('sha256=aa', now + 300_000, now + 1000)).toBe(false);
    expect(guard.first('sha256=bb', now + 300_000, now + 1000)).toBe(true);
    // Past its window the signature would not verify any more: it is forgotten.
    expect(guard.first('sha256=aa', now + 700_000, now + 400_000)).toBe(true);
  });

  it('keeps a bounded number of entries', () => {
    const guard = createReplayGuard(2);
    const now = 1_800_000_000_000;
    for (const s of ['a', 'b', 'c']) expect(guard.first(s, now + 1000, now)).toBe(true);
    expect(guard.first('c', now + 1000, now)).toBe(false);
  });
});
