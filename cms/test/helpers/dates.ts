import { parisDate } from '@maillage/platform/clock';

/**
 * Today's date in France as YYYY-MM-DD, from the shared clock (MAILLAGE_NOW when CI runs the
 * suite as if at another hour), computed here rather than imported from the seed so that the
 * tests check the seed's dates independently of the seed's code.
 */
export const todayInFrance = (): string => parisDate();
