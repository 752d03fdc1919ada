import { z } from 'zod';

/**
 * The page number of a paged list (`?page=`): a whole number from 1 to `max`; anything else reads
 * as the first page rather than an error.
 */
export const pageNumber = (max = 10_000) => z.coerce.number().int().min(1).max(max).catch(1);
