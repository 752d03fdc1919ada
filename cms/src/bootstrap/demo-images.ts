import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '@strapi/strapi';

/**
 * Demo images, drawn here from code: flat shapes and colours (no photo, no person, nothing
 * downloaded). Encoded small with sharp (the image library Strapi's upload plugin already uses), so
 * the demo pages stay within the site's weight budget.
 */
const PALETTES = [
  ['#1f5f4a', '#f2c14e', '#f7efe1'],
  ['#2b4c7e', '#e76f51', '#f4f1de'],
  ['#6a3d7a', '#8ecae6', '#fefae0'],
  ['#3d5a40', '#e9c46a', '#f1faee'],
  ['#7a2e2e', '#f4a261', '#faf3e0'],
  ['#264653', '#2a9d8f', '#e9f5f2'],
  ['#5c4d7d', '#f6bd60', '#f7ede2'],
];

/** An abstract 1200 × 675 illustration: hills, a sun and a path, coloured by `index`. */
export function demoIllustration(index: number): string {
  const [dark, accent, light] = PALETTES[index % PALETTES.length]!;
  const sunX = 260 + ((index * 173) % 700);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675">
<rect width="1200" height="675" fill="${light}"/>
<circle cx="${sunX}" cy="210" r="110" fill="${accent}"/>
<path d="M0 470 C 250 ${360 + index * 12} 480 ${520 - index * 9} 760 430 S 1100 ${380 + index * 7} 1200 440 V 675 H 0 Z" fill="${dark}" opacity="0.85"/>
<path d="M0 560 C 300 500 600 620 900 540 S 1150 520 1200 560 V 675 H 0 Z" fill="${dark}"/>
<path d="M560 675 C 600 600 640 560 700 520" stroke="${accent}" stroke-width="18" fill="none" stroke-linecap="round"/>
</svg>`;
}

/** The European emblem (twelve gold stars on blue), as the FSE+ asks its funded actions to show. */
export function europeanEmblem(): string {
  const star = (cx: number, cy: number) => {
    const points: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = i % 2 === 0 ? 20 : 8;
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      points.push(`${(cx + r * Math.cos(a)).toFixed(1)},${(cy + r * Math.sin(a)).toFixed(1)}`);
    }
    return `<polygon points="${points.join(' ')}" fill="#FFDD00"/>`;
  };
  const stars = Array.from({ length: 12 }, (_, i) => {
    const a = (i * Math.PI) / 6;
    return star(300 + 133 * Math.sin(a), 200 - 133 * Math.cos(a));
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400"><rect width="600" height="400" fill="#003399"/>${stars}</svg>`;
}

/** Encodes an SVG to a small PNG (logo) or WebP (illustration), written to a temporary file. */
async function encode(svg: string, format: 'png' | 'webp', dir: string, name: string) {
  const sharp = (await import('sharp')).default;
  const image = sharp(Buffer.from(svg));
  const data =
    format === 'png'
      ? await image.png({ palette: true }).toBuffer()
      : await image.webp({ quality: 70 }).toBuffer();
  const filepath = join(dir, `${name}.${format}`);
  writeFileSync(filepath, data);
  return {
    filepath,
    mimetype: `image/${format}`,
    size: statSync(filepath).size,
    originalFilename: `${name}.${format}`,
  };
}

export interface DemoImage {
  id: number;
  url: string;
}

/**
 * Uploads a generated image to the media library (with its alternative text), or returns the one
 * uploaded by an earlier start (same name): re-running the seed adds nothing.
 */
export async function uploadDemoImage(
  strapi: Core.Strapi,
  spec: { name: string; alt: string; svg: string; format: 'png' | 'webp' },
): Promise<DemoImage> {
  const existing = (await strapi.db
    .query('plugin::upload.file')
    .findOne({ where: { name: `${spec.name}.${spec.format}` } })) as DemoImage | null;
  if (existing) return existing;
  const dir = mkdtempSync(join(tmpdir(), 'maillage-demo-image-'));
  try {
    const file = await encode(spec.svg, spec.format, dir, spec.name);
    const upload = strapi.plugin('upload').service('upload') as any;
    const [created] = (await upload.upload({
      data: { fileInfo: { name: `${spec.name}.${spec.format}`, alternativeText: spec.alt, caption: null } },
      files: file,
    })) as DemoImage[];
    return created!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
