import { foldLine as fold } from '@maillage/platform/icalendar';
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildCalendar } from '../src/lib/feeds/ics.ts';
import { sampleEvent } from './fixtures/content.ts';

function parse(text: string) {
  const comp = new ICAL.Component(ICAL.parse(text));
  for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return comp;
}

describe('iCalendar export', () => {
  const text = buildCalendar([sampleEvent()], {
    siteUrl: 'https://maillage.example',
    name: 'Agenda Maillage',
  });
  const cal = parse(text);
  const vevents = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));

  it('writes one VEVENT per half-day with CRLF line ends', () => {
    expect(vevents).toHaveLength(2);
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(cal.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Paris');
  });

  it('gives winter times in Paris time (UTC+1)', () => {
    const first = vevents[0]!;
    expect(first.startDate.zone?.tzid).toBe('Europe/Paris');
    expect(first.startDate.toString()).toBe('2026-12-03T09:30:00');
    expect(first.startDate.toJSDate().toISOString()).toBe('2026-12-03T08:30:00.000Z');
    expect(first.endDate.toJSDate().toISOString()).toBe('2026-12-03T11:30:00.000Z');
  });

  it('gives summer times in Paris time (UTC+2)', () => {
    const second = vevents[1]!;
    expect(second.startDate.toJSDate().toISOString()).toBe('2027-07-08T12:00:00.000Z');
    expect(second.endDate.toJSDate().toISOString()).toBe('2027-07-08T15:00:00.000Z');
  });

  it('keeps titles, places and unique ids', () => {
    expect(vevents[0]!.summary).toBe('Parcours des Possibles, Douai (demi-journée 1 sur 2)');
    expect(vevents[0]!.location).toBe('Maison de quartier, salle 2, 12 rue de la Paix, 59500 Douai');
    expect(vevents[0]!.description).toContain('Bus ligne 1, arrêt Gare; parking gratuit');
    expect(new Set(vevents.map((v) => v.uid)).size).toBe(2);
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Agenda Maillage');
  });

  it('marks a cancelled session as cancelled', () => {
    const c = parse(
      buildCalendar([sampleEvent({ cancelled: true })], { siteUrl: 'https://m.example', name: 'x' }),
    );
    expect(c.getFirstSubcomponent('vevent')?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('folds long lines without breaking UTF-8 characters', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = fold(line);
    expect(folded.split('\r\n ').join('')).toBe(line);
    for (const part of folded.split('\r\n')) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
  });
});
