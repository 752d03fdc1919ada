import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../src/features/auth/passwords.rules.ts';
import { accountKey, ipKey } from '../src/features/auth/throttle.service.ts';

describe('sign-in throttling keys', () => {
  it('groups IPv6 addresses by their /64 network', () => {
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe(ipKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(ipKey('2001:db8:1:2::1')).not.toBe(ipKey('2001:db8:1:3::1'));
    expect(ipKey('::ffff:192.0.2.7')).toBe('ip:192.0.2.7');
    expect(ipKey('192.0.2.7')).not.toBe(ipKey('192.0.2.8'));
  });

  it('never stores the email address itself', () => {
    const key = accountKey('Conseiller@Maillage.test ');
    expect(key).toBe(accountKey('conseiller@maillage.test'));
    expect(key).not.toContain('maillage');
  });
});

describe('password policy', () => {
  it('asks for 12 characters, refuses common passwords and the email, has no composition rules', () => {
    expect(passwordProblem('court')).toContain('au moins 12');
    expect(passwordProblem('motdepasse123')).toContain('trop courant');
    expect(passwordProblem('Azerty123456')).toContain('trop courant');
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toContain('trop courant');
    expect(passwordProblem('jean.dupont@maillage.test', 'jean.dupont@maillage.test')).toContain(
      'adresse e-mail',
    );
    expect(passwordProblem('les pommes vertes du jardin')).toBeNull();
  });
});
