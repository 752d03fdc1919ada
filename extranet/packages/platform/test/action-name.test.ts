import { describe, expect, it } from 'vitest';
import { malformedAction } from '../src/action-name.ts';

const post = (query: string) => {
  const url = new URL(`http://localhost/demandes/1${query}`);
  return { request: new Request(url, { method: 'POST' }), url };
};

describe('the action name of a form posted without JavaScript', () => {
  it('lets dotted names and posts without one through', () => {
    for (const q of ['', '?_action=registrations.decide', '?_action=registerForEvent', '?x=%25'])
      expect(malformedAction(post(q)), q).toBeNull();
  });

  it('answers 400 in French to a name Astro could not decode', async () => {
    for (const q of [
      '?_action=%25',
      '?_action=ihM%25nn+6',
      '?_action=',
      '?_action=a..b',
      '?_action=a.b%0A',
    ]) {
      const res = malformedAction(post(q));
      expect(res?.status, q).toBe(400);
      expect(await res?.text()).toBe('Formulaire invalide.');
    }
  });

  it('leaves reads alone', () => {
    const url = new URL('http://localhost/?_action=%25');
    expect(malformedAction({ request: new Request(url), url })).toBeNull();
  });
});
