import { addDays, now, parisDate, parisInstant } from '@maillage/platform/clock';
import type { Core } from '@strapi/strapi';
import { PUBLIC_CONTENT_TYPES } from './constants';
import { demoIllustration, europeanEmblem, uploadDemoImage } from './demo-images';
import {
  EVENTS,
  type EventSeed,
  FSE_MENTION,
  GLOBAL,
  NEWS,
  PAGES,
  PROGRAM_COVER_ALT,
  PROGRAMS,
  STORIES,
  TERRITORIES,
} from './seed-content';
import { withoutWebhook } from './webhook';

type Uid = (typeof PUBLIC_CONTENT_TYPES)[keyof typeof PUBLIC_CONTENT_TYPES];
type Counts = { created: number; kept: number };

/** Today's date in France as YYYY-MM-DD, from the shared clock (MAILLAGE_NOW outside production). */
export function todayInFrance(at: Date = now()): string {
  return parisDate(at);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
function isoWeekday(isoDate: string): number {
  const day = new Date(`${isoDate}T12:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The slot dates of a demo session: `slotCount` days on the given weekdays, from today + startInDays. */
export function slotDates(
  seed: Pick<EventSeed, 'startInDays' | 'weekdays' | 'slotCount'>,
  today: string,
): string[] {
  const dates: string[] = [];
  let day = addDays(today, seed.startInDays);
  while (dates.length < seed.slotCount) {
    if (seed.weekdays.includes(isoWeekday(day))) dates.push(day);
    day = addDays(day, 1);
  }
  return dates;
}

/** The CMS data of a demo session seeded on `today` (a Paris date). */
export function eventData(seed: EventSeed, today: string, programId: string, territoryId: string) {
  const dates = slotDates(seed, today);
  const first = dates[0]!;
  return {
    title: seed.title,
    slug: seed.slug,
    kind: seed.kind,
    program: programId,
    territory: territoryId,
    venue: seed.venue,
    slots: dates.map((date, i) => ({
      date,
      start: `${seed.start}:00.000`,
      end: `${seed.end}:00.000`,
      label:
        seed.slotLabels?.[i] ??
        (seed.slotCount > 1 ? `Demi-journée ${i + 1} sur ${seed.slotCount}` : undefined),
    })),
    capacity: 10,
    // Registrations open at midnight in France on the day of seeding — not midnight UTC, which is
    // still to come during the first Paris hour (two in summer) — and close the day before the
    // first slot at 18:00 in France, whatever the season.
    registrationOpensAt: parisInstant(today, '00:00').toISOString(),
    registrationClosesAt: parisInstant(addDays(first, -1), '18:00').toISOString(),
    cancelled: false,
    practicalNotes: seed.practicalNotes,
    description: seed.description,
  };
}

/**
 * Creates the demo content that is missing, published, keyed by slug. Existing documents are
 * never modified, so editors' changes survive restarts; a second run creates nothing.
 */
export async function seedDemoContent(strapi: Core.Strapi): Promise<Record<string, Counts>> {
  return withoutWebhook(async () => {
    const log = (message: string) => strapi.log.info(`[maillage:seed] ${message}`);
    const docs = (uid: Uid) => strapi.documents(uid as Parameters<typeof strapi.documents>[0]) as any;
    const report: Record<string, Counts> = {};
    const count = (model: string, created: boolean) => {
      const entry = report[model] ?? { created: 0, kept: 0 };
      report[model] = entry;
      if (created) entry.created++;
      else entry.kept++;
    };

    async function ensure(
      model: keyof typeof PUBLIC_CONTENT_TYPES,
      slug: string,
      data: () => Record<string, unknown>,
    ): Promise<string> {
      const uid = PUBLIC_CONTENT_TYPES[model];
      const existing = await docs(uid).findFirst({
        filters: { slug },
        status: 'draft',
        fields: ['documentId'],
      });
      if (existing) {
        count(model, false);
        return existing.documentId as string;
      }
      const created = await docs(uid).create({ data: data(), status: 'published' });
      count(model, true);
      log(`${model} « ${slug} » créé et publié`);
      return created.documentId as string;
    }

    /**
     * A demo session whose last slot has passed is moved to new dates computed from today, so a
     * demo database started again weeks later still shows upcoming sessions. Only slots and
     * registration dates change; a session an editor has cancelled is left alone.
     */
    async function refreshIfPast(documentId: string, seed: EventSeed, today: string): Promise<void> {
      const uid = PUBLIC_CONTENT_TYPES.event;
      const current = await docs(uid).findOne({ documentId, status: 'draft', populate: { slots: true } });
      const dates: string[] = (current?.slots ?? []).map((slot: { date: string }) => slot.date).sort();
      const last = dates.at(-1);
      if (!current || current.cancelled || (last !== undefined && last >= today)) return;
      const fresh = eventData(seed, today, '', '');
      await docs(uid).update({
        documentId,
        data: {
          slots: fresh.slots,
          registrationOpensAt: fresh.registrationOpensAt,
          registrationClosesAt: fresh.registrationClosesAt,
        },
        status: 'published',
      });
      refreshed++;
      log(`event « ${seed.slug} » : dates passées, renouvelées à partir d’aujourd’hui`);
    }

    let refreshed = 0;
    log('début du chargement du contenu de démonstration');
    const territoryIds = new Map<string, string>();
    for (const t of TERRITORIES)
      territoryIds.set(
        t.slug,
        await ensure('territory', t.slug, () => ({ ...t, epciCodes: [...t.epciCodes] })),
      );

    // Generated illustrations (no photo, nothing downloaded): one per program and per news item,
    // and the European emblem for the programs the FSE+ co-funds.
    const emblem = await uploadDemoImage(strapi, {
      name: 'demo-embleme-union-europeenne',
      alt: FSE_MENTION.logoAlt,
      svg: europeanEmblem(),
      format: 'png',
    });
    const programIds = new Map<string, string>();
    for (const [i, p] of PROGRAMS.entries()) {
      const cover = await uploadDemoImage(strapi, {
        name: `demo-programme-${p.slug}`,
        alt: PROGRAM_COVER_ALT,
        svg: demoIllustration(i),
        format: 'webp',
      });
      programIds.set(
        p.slug,
        await ensure('program', p.slug, () => ({
          ...p,
          cover: cover.id,
          coverAlt: PROGRAM_COVER_ALT,
          fundingMentions: p.kind === 'parcours' ? [{ ...FSE_MENTION, logo: emblem.id }] : [],
        })),
      );
    }

    const today = todayInFrance();
    for (const e of EVENTS) {
      const documentId = await ensure('event', e.slug, () =>
        eventData(e, today, programIds.get(e.program)!, territoryIds.get(e.territory)!),
      );
      await refreshIfPast(documentId, e, today);
    }

    for (const s of STORIES) {
      await ensure('story', s.slug, () => ({
        ...s,
        territory: territoryIds.get(s.territory)!,
        program: programIds.get(s.program)!,
      }));
    }

    for (const p of PAGES) await ensure('page', p.slug, () => ({ ...p }));

    for (const [i, n] of NEWS.entries()) {
      const cover = await uploadDemoImage(strapi, {
        name: `demo-actualite-${n.slug}`,
        alt: n.coverAlt,
        svg: demoIllustration(PROGRAMS.length + i),
        format: 'webp',
      });
      const { daysAgo, territory, ...fields } = n;
      await ensure('news', n.slug, () => ({
        ...fields,
        date: addDays(today, -daysAgo),
        cover: cover.id,
        territory: territoryIds.get(territory)!,
      }));
    }

    const global = await docs(PUBLIC_CONTENT_TYPES.global).findFirst({
      status: 'draft',
      fields: ['documentId'],
    });
    if (global) count('global', false);
    else {
      await docs(PUBLIC_CONTENT_TYPES.global).create({ data: GLOBAL, status: 'published' });
      count('global', true);
      log('réglages du site créés et publiés');
    }

    const summary = Object.entries(report)
      .map(([m, c]) => `${m}: ${c.created} créé(s), ${c.kept} déjà là`)
      .concat(refreshed > 0 ? [`sessions aux dates renouvelées: ${refreshed}`] : [])
      .join(' ; ');
    log(`terminé (${summary})`);
    return report;
  });
}
