import type { Media } from './cms/schemas.ts';

/**
 * Responsive images from the CMS uploads. The site never links to the CMS: every image goes
 * through /media/uploads/… (same origin, CSP img-src 'self'), where Astro's image service (sharp)
 * resizes and re-encodes it. Only these widths and formats exist, so the transform cache stays small
 * and nobody can make the server encode arbitrary sizes.
 */
const IMAGE_WIDTHS = [320, 480, 640, 960, 1280] as const;
const IMAGE_FORMATS = ['avif', 'webp'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** A CMS upload path the site may serve: `/uploads/<name>.<ext>`, nothing else. */
export const UPLOAD_PATH = /^\/uploads\/[\w.-]+\.(jpe?g|png|webp|avif|gif)$/i;

export interface ResponsiveImage {
  alt: string;
  width: number;
  height: number;
  /** Fallback `src` (WebP at a middle width). */
  src: string;
  sources: { type: string; srcset: string }[];
  sizes: string;
}

/** Widths worth offering for an image `width` pixels wide shown at most `maxWidth` CSS pixels. */
function widthsFor(width: number, maxWidth: number): number[] {
  const cap = Math.min(width, maxWidth * 2);
  const widths: number[] = IMAGE_WIDTHS.filter((w) => w <= cap);
  if (widths.length === 0) widths.push(Math.min(width, IMAGE_WIDTHS[0]));
  return widths;
}

function imageUrl(path: string, width: number, format: ImageFormat): string {
  return `/media${path}?w=${width}&f=${format}`;
}

/**
 * What a page needs to show a CMS image responsively, or null when there is nothing safe to show
 * (no image, an unexpected address, or no size to reserve the space: no layout shift).
 */
export function responsiveImage(
  media: Media,
  alt: string | null | undefined,
  opts: { maxWidth?: number } = {},
): ResponsiveImage | null {
  if (!media || !UPLOAD_PATH.test(media.url) || !media.width || !media.height) return null;
  const maxWidth = opts.maxWidth ?? 720;
  const widths = widthsFor(media.width, maxWidth);
  const fallbackWidth = widths.find((w) => w >= maxWidth) ?? widths[widths.length - 1]!;
  const srcset = (format: ImageFormat) =>
    widths.map((w) => `${imageUrl(media.url, w, format)} ${w}w`).join(', ');
  return {
    alt: alt ?? media.alternativeText ?? '',
    width: media.width,
    height: media.height,
    src: imageUrl(media.url, fallbackWidth, 'webp'),
    sources: IMAGE_FORMATS.map((f) => ({ type: `image/${f}`, srcset: srcset(f) })),
    sizes: `(min-width: ${maxWidth + 32}px) ${maxWidth}px, calc(100vw - 2rem)`,
  };
}

/** Parses `?w=&f=` of an image request: only the allowed widths and formats. */
export function parseTransform(params: URLSearchParams): { width: number; format: ImageFormat } | null {
  const width = Number(params.get('w'));
  const format = params.get('f') as ImageFormat | null;
  if (!(IMAGE_WIDTHS as readonly number[]).includes(width) && !(width > 0 && width < IMAGE_WIDTHS[0]))
    return null;
  if (!format || !IMAGE_FORMATS.includes(format)) return null;
  return { width, format };
}

/**
 * Images already fetched and encoded by /media (key: path and transform). Emptied by the CMS
 * webhook when content leaves the site (unpublish, delete, any story change), so a photo whose
 * consent is withdrawn is not served from memory.
 */
export const imageCache = new Map<string, { body: Uint8Array; type: string }>();

export function purgeImagesFor(event: string, model: string): boolean {
  if (event === 'entry.unpublish' || event === 'entry.delete' || model === 'story') {
    imageCache.clear();
    return true;
  }
  return false;
}
