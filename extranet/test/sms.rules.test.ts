import { describe, expect, it } from 'vitest';
import { nextSmsInstant } from '../src/features/sms/sms.rules.ts';
import { isStop } from '../src/features/sms/sms.service.ts';
import { checkSms, DeploymentError } from '../src/lib/deployment.ts';

/** When an SMS may leave: Monday to Saturday, 08:00–20:00 Paris, across both DST changes. */
describe('nextSmsInstant', () => {
  const at = (iso: string) => nextSmsInstant(new Date(iso)).toISOString();

  it('lets a message leave at once within the hours', () => {
    // Saturday 12 December 2026, 19:59 Paris (UTC+1)
    expect(at('2026-12-12T18:59:00.000Z')).toBe('2026-12-12T18:59:00.000Z');
    // Monday 14 December, 08:00 sharp
    expect(at('2026-12-14T07:00:00.000Z')).toBe('2026-12-14T07:00:00.000Z');
  });

  it('holds Saturday 20:00 and 21:30 until Monday 08:00 (winter)', () => {
    expect(at('2026-12-12T19:00:00.000Z')).toBe('2026-12-14T07:00:00.000Z');
    expect(at('2026-12-12T20:30:00.000Z')).toBe('2026-12-14T07:00:00.000Z');
  });

  it('holds Saturday 21:30 until Monday 08:00 (summer, UTC+2)', () => {
    expect(at('2026-06-13T19:30:00.000Z')).toBe('2026-06-15T06:00:00.000Z');
  });

  it('holds Sunday until Monday 08:00, and 07:59 until 08:00', () => {
    expect(at('2026-12-13T09:00:00.000Z')).toBe('2026-12-14T07:00:00.000Z');
    expect(at('2026-12-14T06:59:00.000Z')).toBe('2026-12-14T07:00:00.000Z');
    // Friday 20:00 → Saturday 08:00
    expect(at('2026-12-11T19:00:00.000Z')).toBe('2026-12-12T07:00:00.000Z');
  });

  it('counts 08:00 in Paris time across the DST changes', () => {
    // Saturday 28 March 2026 21:00 (UTC+1); clocks go forward on Sunday 29: Monday 08:00 is 06:00Z.
    expect(at('2026-03-28T20:00:00.000Z')).toBe('2026-03-30T06:00:00.000Z');
    // Saturday 24 October 2026 22:00 (UTC+2); clocks go back on Sunday 25: Monday 08:00 is 07:00Z.
    expect(at('2026-10-24T20:00:00.000Z')).toBe('2026-10-26T07:00:00.000Z');
    // The Sunday of the change itself, at 03:30 (after the jump)
    expect(at('2026-03-29T01:30:00.000Z')).toBe('2026-03-30T06:00:00.000Z');
  });
});

describe('STOP and the SMS settings', () => {
  it('reads STOP in any case, with spaces', () => {
    for (const reply of ['STOP', 'stop', ' Stop ', 'STOP.', 'stop sms']) expect(isStop(reply)).toBe(true);
    for (const reply of ['Merci', 'je viendrai', 'stopper', undefined]) expect(isStop(reply)).toBe(false);
  });

  it('refuses a half-configured provider, in French', () => {
    expect(checkSms({ provider: undefined, apiKey: undefined, sender: undefined })).toBeNull();
    expect(checkSms({ provider: 'brevo', apiKey: 'k', sender: 'Maillage' })).toBe('brevo');
    expect(() => checkSms({ provider: 'brevo', apiKey: undefined, sender: 'Maillage' })).toThrow(
      DeploymentError,
    );
    expect(() => checkSms({ provider: 'brevo', apiKey: 'k', sender: 'Maillage 59 Nord' })).toThrow(
      /SMS_SENDER est obligatoire : 11 lettres ou chiffres/,
    );
    expect(() => checkSms({ provider: undefined, apiKey: 'k', sender: undefined })).toThrow(/SMS_PROVIDER/);
    expect(() => checkSms({ provider: 'twilio', apiKey: 'k', sender: 'Maillage' })).toThrow(/brevo/);
  });
});
