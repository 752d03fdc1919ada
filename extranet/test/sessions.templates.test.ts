import { describe, expect, it } from 'vitest';
import { decisionToPerson, decisionToPrescriber } from '../src/features/notifications/messages/decision.ts';
import {
  parcoursEndToPrescriber,
  reminderToPerson,
} from '../src/features/notifications/messages/sessions.ts';
import type { NotificationContext } from '../src/features/notifications/types.ts';

const CANCEL = 'http://localhost:4322/je-ne-peux-pas-venir?t=42.1893456000.abcdefghijklmnopqrstuv';

function ctx(over: Partial<NotificationContext['registration']> = {}): NotificationContext {
  return {
    person: {
      firstName: 'Nadia',
      lastName: 'Benali',
      email: 'nadia@example.test',
      phone: '+33612345678',
      preferredContact: 'email',
    },
    registration: {
      reference: 'MAI-2026-000123',
      kind: 'event',
      status: 'accepted',
      source: 'prescriber',
      prescriber: { name: 'Paul Martin', organisation: 'France Travail', email: 'paul@ft.test' },
      event: {
        id: 'evt1',
        title: 'Parcours des Possibles — Caudry',
        territoryName: 'Cambrésis',
        slots: [
          { date: '2026-12-03', start: '09:30', end: '12:30' },
          { date: '2026-12-10', start: '09:30', end: '12:30' },
        ],
        venue: {
          name: 'Maison France Services',
          address: '12 rue de la Paix',
          postcode: '59540',
          commune: 'Caudry',
        },
      },
      cancelUrl: CANCEL,
      ...over,
    },
    team: { name: 'Maillage — équipe du Cambrésis', email: 'cambresis@maillage.test', phone: '+33327000000' },
    links: { siteUrl: 'http://localhost:4321', extranetUrl: 'http://localhost:4322' },
  };
}

describe('"je ne peux pas venir" in the messages', () => {
  it('is in the confirmation and the reminder to the person, text and HTML', () => {
    for (const mail of [decisionToPerson(ctx()), reminderToPerson(ctx(), '2026-12-10')]) {
      expect(mail?.text).toContain(`Je ne peux pas venir : libérer ma place : ${CANCEL}`);
      expect(mail?.html).toContain(`href="${CANCEL.replace(/&/g, '&amp;')}"`);
    }
  });

  it('is not in the professional’s copy, nor without a signed link', () => {
    expect(decisionToPrescriber(ctx())?.text).not.toContain('je-ne-peux-pas-venir');
    expect(decisionToPerson(ctx({ cancelUrl: null }))?.text).not.toContain('je-ne-peux-pas-venir');
    expect(decisionToPerson(ctx({ status: 'waitlisted' }))?.text).not.toContain('je-ne-peux-pas-venir');
  });
});

describe('end of a Parcours, to the professional kept informed', () => {
  it('says whether the person came and the last date, nothing else', () => {
    const came = parcoursEndToPrescriber(ctx(), true);
    expect(came?.to).toBe('paul@ft.test');
    expect(came?.subject).toBe(
      'Fin de « Parcours des Possibles — Caudry » pour Nadia Benali — MAI-2026-000123',
    );
    expect(came?.text).toContain("s'est terminée le jeudi 10 décembre 2026");
    expect(came?.text).toContain('Nadia Benali y a participé.');
    expect(parcoursEndToPrescriber(ctx(), false)?.text).toContain("Nadia Benali n'y a pas participé.");
    expect(came?.text).not.toContain('je-ne-peux-pas-venir');
  });

  it('goes to nobody when the request did not come from a professional with an e-mail', () => {
    expect(parcoursEndToPrescriber(ctx({ source: 'self', prescriber: null }), true)).toBeNull();
    expect(
      parcoursEndToPrescriber(ctx({ prescriber: { name: 'P', organisation: 'O', email: null } }), true),
    ).toBeNull();
  });
});
