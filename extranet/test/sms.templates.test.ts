import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGsm7, smsSegments } from '@maillage/platform/gsm7';
import { describe, expect, it } from 'vitest';
import { SMS_BUDGET, smsTemplate, smsText } from '../src/features/notifications/messages/sms.ts';
import type { NotificationContext, NotificationPurpose } from '../src/features/notifications/types.ts';
import { ROOT } from './support/server.ts';

/**
 * Every SMS template measured with the longest real values: the longest session title and commune
 * of the CMS seed (read as text, not imported), the longest French weekday and month, a first name
 * at the contract's 80 characters, a decline reason at the form's 1,000, the team's number, and the
 * « je ne peux pas venir » link at its real length (`<EXTRANET_URL>/c/` + 22 characters).
 */
const seed = readFileSync(join(ROOT, '..', 'cms', 'src', 'bootstrap', 'seed-content.ts'), 'utf8');
const longest = (field: string) =>
  [...seed.matchAll(new RegExp(`\\b${field}: '([^']+)'`, 'g'))]
    .map((m) => (m[1] ?? '').replace(/\\'/g, "'"))
    .sort((a, b) => b.length - a.length)[0] ?? '';
const TITLE = longest('title');
const COMMUNE = longest('commune');
// Extranet addresses as deployed (the longest we would choose) and as in the demo.
const EXTRANET_URLS = ['https://extranet.maillage-asso.fr', 'http://localhost:4322'];
const link = (base: string) => `${base}/c/${'A'.repeat(22)}`;

function ctx(
  status: NotificationContext['registration']['status'],
  extra: Partial<NotificationContext['registration']> = {},
): NotificationContext {
  return {
    person: {
      id: 1,
      firstName: 'Marie-Christine-Alexandra-Bénédicte'.padEnd(80, 'e'),
      phone: '+33612345678',
      preferredContact: 'sms',
    },
    registration: {
      reference: 'MAI-2026-000123',
      kind: 'event',
      status,
      source: 'self',
      event: {
        id: 'e1',
        title: TITLE,
        territoryName: 'Valenciennois',
        // Wednesday 30 September: the longest weekday and month names
        slots: [{ date: '2026-09-30', start: '13:30', end: '16:30' }],
        venue: {
          name: 'Pôle emploi-formation de la Pévèle',
          address: '21 place du Commandant-Richez',
          postcode: '59000',
          commune: COMMUNE,
        },
      },
      ...extra,
    },
    team: { name: 'Maillage Valenciennois', email: 'equipe@maillage.test', phone: '+33327000001' },
    links: { siteUrl: 'https://maillage.test', extranetUrl: EXTRANET_URLS[0] as string },
    mailFrom: null,
  };
}

const CASES: Array<[string, NotificationContext, NotificationPurpose, boolean]> = [
  ['receipt', ctx('received'), 'receipt', false],
  ['receipt (accompagnement)', ctx('received', { kind: 'support', event: null }), 'receipt', false],
  ['reminder', ctx('accepted'), 'reminder', true],
  ['accepted', ctx('accepted'), 'decision', true],
  ['accepted (accompagnement)', ctx('accepted', { kind: 'support', event: null }), 'decision', false],
  ['waitlisted', ctx('waitlisted'), 'decision', true],
  ['declined', ctx('declined', { decisionReason: 'Motif '.repeat(200).slice(0, 1000) }), 'decision', false],
  ['cancelled', ctx('cancelled'), 'decision', false],
];

describe('SMS templates', () => {
  it('reads the longest values from the CMS seed', () => {
    expect(TITLE.length).toBeGreaterThanOrEqual(70);
    expect(COMMUNE).toBe('Saint-Amand-les-Eaux');
  });

  for (const base of EXTRANET_URLS)
    for (const [name, c, purpose, withLink] of CASES)
      it(`${name} fits its budget in GSM-7 (${base})`, () => {
        const cancel = withLink ? link(base) : null;
        const text = smsText(c, purpose, cancel);
        const budget = SMS_BUDGET[smsTemplate(c, purpose)] ?? 2;
        expect(isGsm7(text)).toBe(true);
        const { encoding, segments } = smsSegments(text);
        expect(encoding).toBe('gsm7');
        expect(segments).toBeLessThanOrEqual(budget);
        // What must never be cut: the link, the day and place, the file's reference.
        if (cancel) expect(text).toContain(cancel);
        if (c.registration.event && (purpose === 'reminder' || c.registration.status === 'accepted')) {
          expect(text).toContain('mercredi 30/09 à 13h30');
          expect(text).toContain(COMMUNE);
        }
        if (purpose === 'decision' && c.registration.status !== 'accepted')
          expect(text).toContain('MAI-2026-000123');
        if (process.env.SMS_TABLE)
          console.log(`| ${name} | ${base} | ${text.length} | ${segments} / ${budget} | ${text} |`);
      });

  it('keeps confirmations and reminders to one SMS, the others to two', () => {
    expect(SMS_BUDGET).toEqual({
      receipt: 1,
      reminder: 1,
      accepted: 1,
      waitlisted: 2,
      declined: 2,
      cancelled: 2,
    });
  });
});
