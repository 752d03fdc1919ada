import type { AvailabilityEntry } from '@maillage/contract';
import { addDays, parisDate, parisInstant } from '@maillage/platform/clock';
import { describe, expect, it } from 'vitest';
import { closedReason, nextOpening, nextOpenSession } from '../src/lib/registration/sessions.ts';
import { sampleEvent } from './fixtures/content.ts';

// 00:30 in Paris, winter: the hour at which "today" and the UTC date disagree.
const NOW = Date.parse('2027-01-14T00:30:00+01:00');
const today = parisDate(new Date(NOW));
const session = (id: string, over: Record<string, unknown> = {}) =>
  sampleEvent({
    documentId: id,
    slug: id,
    title: `Parcours ${id}`,
    slots: [{ date: addDays(today, 20), start: '09:00:00.000', end: '12:00:00.000' }],
    registrationOpensAt: parisInstant(today, '00:00').toISOString(),
    registrationClosesAt: parisInstant(addDays(today, 19), '18:00').toISOString(),
    ...over,
  });
const open: AvailabilityEntry = {
  capacity: 10,
  taken: 2,
  left: 8,
  waitlistOpen: false,
  registrationOpen: true,
};
const shut: AvailabilityEntry = { ...open, registrationOpen: false };

describe('where a closed session points to', () => {
  const closed = session('fermee', {
    registrationClosesAt: parisInstant(addDays(today, -1), '18:00').toISOString(),
  });
  const notYet = session('pas-encore', {
    registrationOpensAt: parisInstant(addDays(today, 7), '09:00').toISOString(),
  });
  const refusedByExtranet = session('refusee');
  const good = session('ouverte', { territory: { name: 'Cambrésis', slug: 'cambresis' } });

  it('opens a demo session seeded at Paris midnight, at 00:30 Paris time', () => {
    expect(closedReason(good, open, NOW)).toBeNull();
  });

  it('never points to a session that is not open yet, nor one the extranet says is closed', async () => {
    const places = async (id: string) => (id === 'refusee' ? shut : open);
    expect(closedReason(closed, null, NOW)).toMatch(/fermées/);
    const next = await nextOpenSession(closed, [notYet, refusedByExtranet, good], places, NOW);
    expect(next?.slug).toBe('ouverte');
  });

  it('prefers an open session of the same territory', async () => {
    const sameTerritory = session('meme-territoire');
    const next = await nextOpenSession(closed, [good, sameTerritory], async () => open, NOW);
    expect(next?.slug).toBe('meme-territoire');
  });

  it('says when the registrations of the next session open when none is open yet', async () => {
    expect(
      await nextOpenSession(
        closed,
        [notYet, refusedByExtranet],
        async (id) => (id === 'refusee' ? shut : open),
        NOW,
      ),
    ).toBeNull();
    const opening = nextOpening(closed, [notYet, refusedByExtranet], NOW);
    expect(opening?.session.slug).toBe('pas-encore');
    expect(opening?.opensAt).toBe(parisInstant(addDays(today, 7), '09:00').toISOString());
  });
});
