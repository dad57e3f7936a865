import { z } from 'zod';

/*
 * The Scheduling Assistant's contract between the server (availability, suggestions, clash check:
 * src/server/scheduling/, the `scheduling` tRPC router) and the grid (src/components/scheduling/).
 * Both sides build against these shapes; change them here, in one place.
 */

/** What a stretch of someone's time is. `unknown` always comes with a reason. */
export const AVAILABILITY_STATES = [
  'free',
  'busy',
  'tentative',
  'out_of_office',
  'working_elsewhere',
  'outside_working_hours',
  'unknown',
] as const;
export type AvailabilityState = (typeof AVAILABILITY_STATES)[number];

/** Why Tandem has no information about someone's time. */
export const UNKNOWN_REASONS = [
  'no_calendar_connected',
  'needs_reconnecting',
  'outside_sync_window',
  'not_synced_recently',
] as const;
export type UnknownReason = (typeof UNKNOWN_REASONS)[number];

/** One stretch of one person's time; intervals of a person never overlap and are sorted. */
export type AvailabilityInterval = {
  start: string; // ISO instant (UTC)
  end: string; // ISO instant (UTC), exclusive
  state: AvailabilityState;
  reason?: UnknownReason; // only when state = 'unknown'
  /** Only on the viewer's own intervals: the title of what makes them busy. Never someone else's. */
  title?: string;
};

export type PersonAvailability = {
  userId: string;
  name: string;
  timeZone: string; // IANA
  role: 'tutor' | 'learner' | 'admin';
  required: boolean;
  /** The oldest last-sync time of their shown/busy calendars, or null when none is connected. */
  lastSyncedAt: string | null;
  intervals: AvailabilityInterval[];
};

export const availabilityInput = z.strictObject({
  userIds: z.array(z.string().min(1)).min(1).max(50),
  optionalUserIds: z.array(z.string().min(1)).max(50).default([]),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
export type AvailabilityInput = z.infer<typeof availabilityInput>;

export type AvailabilityResult = {
  from: string;
  to: string;
  /** The viewer first, then the people asked about, in the order asked. */
  people: PersonAvailability[];
};

export const suggestionsInput = availabilityInput.extend({
  durationMinutes: z
    .int()
    .min(5)
    .max(8 * 60),
  bufferMinutes: z.int().min(0).max(120).default(10),
  limit: z.int().min(1).max(50).default(10),
});
export type SuggestionsInput = z.infer<typeof suggestionsInput>;

export type SuggestedSlot = {
  start: string;
  end: string;
  /** Required people busy then (empty for a good suggestion) and optional people who cannot come. */
  busyUserIds: string[];
  outsideHoursUserIds: string[];
  /** A sentence for screen readers: "Tuesday 3 December, 10:00 to 11:00: all 4 free". */
  summary: string;
};

export const clashInput = z.strictObject({
  userIds: z.array(z.string().min(1)).min(1).max(50),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  /** The meeting being edited, so it does not clash with itself. */
  ignoreMeetingId: z.string().optional(),
});
export type ClashInput = z.infer<typeof clashInput>;

export type ClashResult = {
  clashes: { userId: string; name: string; state: AvailabilityState }[];
  /** The next time from `start` on with the same length when everyone is free, if any within 14 days. */
  nextFreeStart: string | null;
};

/*
 * The router (src/server/api/routers/scheduling.ts), tutors and admins unless noted:
 *   scheduling.people     query  { search?: string }        → { userId, name, role, isOwnLearner, hasCalendar }[] (own learners first)
 *   scheduling.availability query availabilityInput         → AvailabilityResult
 *   scheduling.suggestions  query suggestionsInput          → SuggestedSlot[]
 *   scheduling.clashes      query clashInput                → ClashResult
 *   scheduling.myAvailability query { from, to } (any member) → PersonAvailability ("what my tutor sees")
 */

export const peopleInput = z.strictObject({ search: z.string().trim().max(100).optional() }).optional();

export const myAvailabilityInput = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
