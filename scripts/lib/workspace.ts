import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const apps = ['cms', 'site', 'extranet'] as const;
export type App = (typeof apps)[number];
export const appDir = (app: App) => join(root, app);
export const bin = (name: string) => join(root, 'node_modules', '.bin', name);
