import { z } from 'zod';

/** The longest window a calendar view may ask for (a month view with padding is ~6 weeks). */
export const MAX_RANGE_DAYS = 100;
const DAY_MS = 86_400_000;

export const dateRangeSchema = z
  .object({ from: z.date(), to: z.date() })
  .refine((range) => range.to > range.from, { message: 'The end must be after the start', path: ['to'] })
  .refine((range) => range.to.getTime() - range.from.getTime() <= MAX_RANGE_DAYS * DAY_MS, {
    message: `The range may not exceed ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });

export type DateRange = z.infer<typeof dateRangeSchema>;

/** Instants Tandem accepts for its own items: a generous but finite window. */
export const instantSchema = z
  .date()
  .min(new Date('1970-01-01T00:00:00Z'), 'Dates before 1970 are not supported')
  .max(new Date('2100-01-01T00:00:00Z'), 'Dates after 2099 are not supported');
