import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:00');

/** When a person usually works, in their own time zone. Days are ISO weekdays (1 = Monday). */
export const workingHoursSchema = z
  .strictObject({
    days: z.array(z.int().min(1).max(7)).max(7),
    start: clockTime,
    end: clockTime,
  })
  .refine((hours) => hours.start < hours.end, {
    message: 'Working hours must end after they start',
    path: ['end'],
  });

export type WorkingHours = z.infer<typeof workingHoursSchema>;

export const DEFAULT_WORKING_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
