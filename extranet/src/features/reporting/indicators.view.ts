import { escapeHtml as esc } from '@maillage/platform/html';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Viewer } from '../auth/viewer.ts';
import { visibleTerritories } from '../registrations/scope.ts';
import { targetHistory } from './indicators.repository.ts';
import { computeIndicators } from './indicators.service.ts';
import { currentYear, FIRST_YEAR } from './reporting.rules.ts';

// The indicators page (pages/indicateurs/index.astro): what it shows for a year and territories,
// and its charts.

export const MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];
export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** A share as the page prints it: "42 %", or "—" out of nothing. */
export const pct = (n: number, d: number) => (d > 0 ? `${Math.round((n / d) * 100)} %` : '—');

/** The indicators of a year for the viewer's choice of territories, and what frames them. */
export async function indicatorsView(
  db: Kysely<Database>,
  viewer: Viewer,
  filter: { year: number; territories: string[] },
) {
  const visible = visibleTerritories(viewer);
  const indicators = await computeIndicators(db, viewer, filter);
  const history = viewer.role === 'admin' ? await targetHistory(db, filter.year) : [];
  const chosen = indicators.territories.length
    ? visible.filter((t) => indicators.territories.includes(t.slug))
    : visible;
  const query = new URLSearchParams({ annee: String(filter.year) });
  for (const t of filter.territories) query.append('territoire', t);
  return {
    indicators,
    history,
    visible,
    years: Array.from({ length: currentYear() - FIRST_YEAR + 1 }, (_, k) => currentYear() - k),
    inProgress: filter.year === currentYear(),
    scopeLabel:
      viewer.role === 'admin' && !filter.territories.length
        ? 'tous les territoires'
        : chosen.map((t) => t.name).join(', ') || 'aucun territoire',
    query,
  };
}

/**
 * Charts drawn on the server as SVG strings (issue 11, item 2): no client JavaScript, presentation
 * attributes only (no style attribute, for the Content-Security-Policy). Each chart is decorative
 * for screen readers (aria-hidden): the page prints its figures in a table next to it.
 */

export interface Bar {
  label: string;
  value: number;
}

/** Horizontal bars, one per line, with the value written at the end of each bar. */
export function barChart(bars: Bar[], options: { max?: number; width?: number } = {}): string {
  const width = options.width ?? 640;
  const labelWidth = 190;
  const row = 28;
  const max = Math.max(1, options.max ?? 0, ...bars.map((b) => b.value));
  const span = width - labelWidth - 60;
  const height = bars.length * row + 8;
  const lines = bars.map((b, i) => {
    const y = 4 + i * row;
    const w = Math.round((b.value / max) * span);
    return `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end" font-size="13" fill="#1a1a1a">${esc(b.label)}</text><rect x="${labelWidth}" y="${y + 4}" width="${w}" height="18" fill="#1d5fa8"/><text x="${labelWidth + w + 6}" y="${y + 18}" font-size="13" fill="#1a1a1a">${b.value}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" aria-hidden="true" focusable="false">${lines.join('')}</svg>`;
}

/** A value against its target: a bar filled in proportion, the target marked by a line. */
export function progressChart(value: number, target: number, width = 640): string {
  const max = Math.max(value, target, 1);
  const span = width - 20;
  const w = Math.round((value / max) * span);
  const t = Math.round((target / max) * span);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 48" width="100%" aria-hidden="true" focusable="false"><rect x="10" y="10" width="${span}" height="22" fill="#e6e6e6"/><rect x="10" y="10" width="${w}" height="22" fill="${value >= target ? '#1b7a3a' : '#1d5fa8'}"/><line x1="${10 + t}" y1="4" x2="${10 + t}" y2="38" stroke="#1a1a1a" stroke-width="2"/><text x="${Math.min(10 + t, width - 70)}" y="47" font-size="11" fill="#1a1a1a">objectif ${target}</text></svg>`;
}

/** Vertical bars for the twelve months. */
export function monthChart(values: number[], labels: string[], width = 640): string {
  const height = 170;
  const base = 140;
  const max = Math.max(1, ...values);
  const step = (width - 20) / values.length;
  const bars = values.map((v, i) => {
    const h = Math.round((v / max) * 110);
    const x = 10 + i * step;
    return `<rect x="${x + 4}" y="${base - h}" width="${step - 8}" height="${h}" fill="#1d5fa8"/><text x="${x + step / 2}" y="${base - h - 4}" text-anchor="middle" font-size="12" fill="#1a1a1a">${v}</text><text x="${x + step / 2}" y="${base + 16}" text-anchor="middle" font-size="11" fill="#1a1a1a">${esc(labels[i] ?? '')}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" aria-hidden="true" focusable="false"><line x1="10" y1="${base}" x2="${width - 10}" y2="${base}" stroke="#1a1a1a"/>${bars.join('')}</svg>`;
}
