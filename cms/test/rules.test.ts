import { createHmac } from 'node:crypto';
import * as clock from '@maillage/platform/clock';
import { afterEach, describe, expect, it } from 'vitest';
// The repository's copy of the data·inclusion referentials (vendored by the site for its export).
import publics from '../../site/src/lib/feeds/data-inclusion-v1/extra/publics.json';
import thematiques from '../../site/src/lib/feeds/data-inclusion-v1/extra/thematiques.json';
import types from '../../site/src/lib/feeds/data-inclusion-v1/extra/types-de-services.json';
import { READ_ONLY_ACTIONS } from '../src/bootstrap/api-tokens';
import { eventData, slotDates, todayInFrance } from '../src/bootstrap/seed';
import { EVENTS, PROGRAMS } from '../src/bootstrap/seed-content';
import {
  globalProblems,
  MESSAGES,
  programProblems,
  richTextProblems,
  storyProblems,
} from '../src/bootstrap/validation';
import { signWebhook } from '../src/bootstrap/webhook';

const isoWeekday = (d: string) => {
  const day = new Date(`${d}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

describe('demo session dates', () => {
  it('puts every slot on the chosen weekdays, after today, in order', () => {
    const dates = slotDates({ startInDays: 8, weekdays: [1, 4], slotCount: 5 }, '2026-12-30');
    expect(dates).toHaveLength(5);
    expect(dates[0]! > '2027-01-06').toBe(true);
    expect(dates.every((d) => [1, 4].includes(isoWeekday(d)))).toBe(true);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(5);
  });

  afterEach(() => clock.setClock(null));

  // The midnight bug: registrations opened at `${today}T00:00:00Z`, still to come during the first
  // Paris hour of the day (two in summer), so every demo session said "pas encore ouvertes".
  it.each([
    '2027-01-14T00:30:00+01:00',
    '2027-01-14T23:30:00+01:00',
    '2027-07-14T00:30:00+02:00',
    '2027-07-14T23:30:00+02:00',
  ])(
    'opens registrations to demo sessions seeded at %s, and closes them at 18:00 Paris the day before',
    (at) => {
      clock.setClock(at);
      const today = todayInFrance();
      expect(today).toBe(at.slice(0, 10));
      for (const seed of EVENTS) {
        const data = eventData(seed, today, 'program', 'territory');
        expect(Date.parse(data.registrationOpensAt)).toBeLessThanOrEqual(clock.nowMs());
        expect(Date.parse(data.registrationClosesAt)).toBeGreaterThan(clock.nowMs());
        const first = data.slots[0]!.date;
        expect(data.registrationClosesAt).toBe(
          clock.parisInstant(clock.addDays(first, -1), '18:00').toISOString(),
        );
        expect(
          new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(
            new Date(data.registrationClosesAt),
          ),
        ).toBe('18:00');
      }
    },
  );

  it('declares the shared clock to the Strapi build with the signatures it has', () => {
    // The Strapi build reads them from @maillage/platform/types/clock.d.ts (CommonJS resolution).
    expect(Object.keys(clock).sort()).toEqual(
      [
        'TIME_ZONE',
        'addDays',
        'clockOverrideAllowed',
        'now',
        'nowMs',
        'parisDate',
        'parisInstant',
        'parisOffset',
        'parisTime',
        'setClock',
      ].sort(),
    );
  });

  it('gives a Parcours 5 to 7 half-days and the training 4 days', () => {
    for (const event of EVENTS) {
      const kind = PROGRAMS.find((p) => p.slug === event.program)?.kind;
      if (kind === 'parcours') expect(event.slotCount).toBeGreaterThanOrEqual(5);
      if (kind === 'parcours') expect(event.slotCount).toBeLessThanOrEqual(7);
      if (kind === 'formation') expect(event.slotCount).toBe(4);
    }
  });
});

describe('data·inclusion values of the programs', () => {
  const values = (list: Array<{ value: string }>) => new Set(list.map((x) => x.value));
  it('only uses codes from the data·inclusion referentials', () => {
    for (const program of PROGRAMS) {
      expect(program.summary.length).toBeLessThanOrEqual(300);
      for (const t of program.diThematiques) expect(values(thematiques), t).toContain(t);
      for (const p of program.diPublics) expect(values(publics), p).toContain(p);
      expect(values(types)).toContain(program.diType);
    }
  });
});

describe('data·inclusion rules when a program is published', () => {
  const ok = {
    diPublics: ['demandeurs-emploi'],
    diThematiques: ['creer-une-entreprise--developper-son-entreprise'],
  };
  it('refuses `tous-publics` together with other publics, with a French message', () => {
    const problems = programProblems({ ...ok, diPublics: ['demandeurs-emploi', 'tous-publics'] });
    expect(problems).toEqual([{ path: ['diPublics'], message: MESSAGES.tousPublicsAlone }]);
    expect(programProblems({ ...ok, diPublics: ['tous-publics'] })).toEqual([]);
  });

  it('asks for at least one public and one thematique, and a weekly volume that is not negative', () => {
    expect(programProblems({}).map((p) => p.message)).toEqual([
      MESSAGES.publicsRequired,
      MESSAGES.thematiquesRequired,
    ]);
    expect(programProblems({ ...ok, diPublics: 'tous-publics' })[0]?.message).toBe(MESSAGES.codeList);
    expect(programProblems({ ...ok, diVolumeHoraireHebdomadaire: -1 })[0]?.message).toBe(
      MESSAGES.weeklyHours,
    );
    expect(programProblems(ok)).toEqual([]);
  });

  it('accepts every demo program as seeded', () => {
    for (const program of PROGRAMS) expect(programProblems({ ...program }), program.slug).toEqual([]);
  });
});

describe('images inside rich text', () => {
  const image = (alternativeText: string | null) => ({
    type: 'image',
    image: { url: '/uploads/a.jpg', alternativeText },
    children: [{ type: 'text', text: '' }],
  });
  it('refuses an image without alternative text, with a French message', () => {
    expect(richTextProblems('body', { body: [image(null)] })).toEqual([
      { path: ['body'], message: MESSAGES.richTextImageAlt },
    ]);
    expect(richTextProblems('body', { body: [image('  ')] })).toHaveLength(1);
    expect(richTextProblems('body', { body: [image('Un atelier en groupe')] })).toEqual([]);
    expect(
      programProblems({ diPublics: ['tous-publics'], diThematiques: ['x'], description: [image(null)] })[0]
        ?.message,
    ).toBe(MESSAGES.richTextImageAlt);
  });
});

describe('publication rules', () => {
  const consented = { consentDate: '2026-01-01', consentScope: 'site' };
  it('requires both consent date and scope to publish a story', () => {
    expect(storyProblems({})[0]?.message).toBe(MESSAGES.consent);
    expect(storyProblems({ consentDate: '2026-01-01' })).toHaveLength(1);
    expect(storyProblems({ consentScope: 'site' })).toHaveLength(1);
    expect(storyProblems(consented)).toEqual([]);
  });

  it('requires alternative text for a cover image, not without image', () => {
    expect(storyProblems({ ...consented, cover: 12 })[0]?.message).toBe(MESSAGES.coverAlt);
    expect(storyProblems({ ...consented, cover: { id: 12 }, coverAlt: '  ' })).toHaveLength(1);
    expect(storyProblems({ ...consented, cover: { connect: [] } })).toEqual([]);
    expect(storyProblems({ ...consented, cover: 12, coverAlt: 'Une épicerie' })).toEqual([]);
  });

  it('requires alternative text for each funder logo', () => {
    const problems = globalProblems({
      funders: [
        { name: 'A', logo: 3, logoAlt: 'Logo A' },
        { name: 'B', logo: 4 },
      ],
    });
    expect(problems).toEqual([{ path: ['funders', '1', 'logoAlt'], message: MESSAGES.funderLogoAlt }]);
  });
});

describe('tokens and webhook signature', () => {
  it('grants only find and findOne', () => {
    expect(READ_ONLY_ACTIONS.every((a) => /\.(find|findOne)$/.test(a))).toBe(true);
    expect(READ_ONLY_ACTIONS).toContain('api::event.event.findOne');
    expect(READ_ONLY_ACTIONS).toContain('api::global.global.find');
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256 as the contract says', () => {
    const body = '{"event":"entry.publish"}';
    const expected = createHmac('sha256', 's3cret').update(`1700000000000.${body}`).digest('hex');
    expect(signWebhook('s3cret', '1700000000000', body)).toBe(`sha256=${expected}`);
  });
});
