/**
 * The emulators' seed format, shared by Google and Microsoft: accounts, their calendars, and
 * events written *relative to now* (day offsets from the Monday of the current week, local times
 * in the account's zone), so the demo always shows this week and next. `resolveSeed` turns a seed
 * into concrete instants at start-up; each emulator then loads the resolved form into its own store.
 *
 * File: `emulators/seed/demo.json` (also accepted as the body of `POST /__control/seed`).
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { z } from 'zod';

const hhmm = z.string().regex(/^\d{2}:\d{2}$/, 'HH:mm');

export const seedEventSchema = z.object({
  /** A fixed id, when tests need to address the event (the emulator assigns one otherwise). */
  id: z.string().optional(),
  title: z.string(),
  description: z.string().optional(),
  location: z.string().optional(),
  /** Calendar name within the account; the primary calendar when absent. */
  calendar: z.string().optional(),
  /** Days after the Monday of the current week (0 = Monday this week, 7 = Monday next week). */
  day: z.number().int(),
  /** Local start time in the account's zone; absent for all-day events. */
  start: hhmm.optional(),
  durationMinutes: z.number().int().positive().optional(),
  /** All-day event spanning this many days (end exclusive). */
  allDayDays: z.number().int().positive().optional(),
  /** iCalendar lines, e.g. `RRULE:FREQ=WEEKLY;COUNT=6`. */
  recurrence: z.array(z.string()).optional(),
  /** Emails of attendees; emulated accounts receive their own copy. */
  attendees: z.array(z.string().email()).optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  status: z.enum(['confirmed', 'tentative']).optional(),
});

export const seedAccountSchema = z.object({
  email: z.string().email(),
  name: z.string(),
  timeZone: z.string().default('Europe/London'),
  /**
   * Which emulators host this account; both when absent (tests). The demo seed names exactly one
   * per address, as in the real world, so an invitation has one place to land.
   */
  providers: z.array(z.enum(['google', 'microsoft'])).optional(),
  /** Microsoft only: a work (Microsoft 365, its tenant by mail domain) or personal (Outlook.com) account. */
  kind: z.enum(['work', 'personal']).optional(),
  /** Extra calendars besides the primary one. */
  calendars: z.array(z.object({ name: z.string(), color: z.string().optional() })).default([]),
  /** Colour of the primary calendar (`#rrggbb`). */
  color: z.string().optional(),
  events: z.array(seedEventSchema).default([]),
});

export const seedFileSchema = z.object({
  tenant: z.string(),
  accounts: z.array(seedAccountSchema),
});

export type SeedFile = z.infer<typeof seedFileSchema>;
export type SeedFileInput = z.input<typeof seedFileSchema>;
export type SeedAccount = z.infer<typeof seedAccountSchema>;

export type ResolvedTime =
  | { kind: 'timed'; start: Date; end: Date; timeZone: string }
  | { kind: 'allDay'; startDate: string; endDate: string };

export interface ResolvedSeedEvent {
  id: string | undefined;
  title: string;
  description: string | undefined;
  location: string | undefined;
  calendar: string | undefined;
  time: ResolvedTime;
  recurrence: string[] | undefined;
  attendees: string[];
  transparency: 'opaque' | 'transparent';
  status: 'confirmed' | 'tentative';
}

export interface ResolvedSeedAccount {
  email: string;
  name: string;
  kind: 'work' | 'personal';
  timeZone: string;
  color: string | undefined;
  calendars: { name: string; color: string | undefined }[];
  events: ResolvedSeedEvent[];
}

export interface ResolvedSeed {
  tenant: string;
  accounts: ResolvedSeedAccount[];
}

export function loadSeedFile(path: string): SeedFile {
  return seedFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** Concrete instants for `now`; accounts not hosted by `provider` are left out. */
export function resolveSeed(seed: SeedFileInput, now: Date, provider: 'google' | 'microsoft'): ResolvedSeed {
  const parsed = seedFileSchema.parse(seed);
  return {
    tenant: parsed.tenant,
    accounts: parsed.accounts
      .filter((account) => !account.providers || account.providers.includes(provider))
      .map((account) => resolveAccount(account, now)),
  };
}

function resolveAccount(account: SeedAccount, now: Date): ResolvedSeedAccount {
  const monday = DateTime.fromJSDate(now, { zone: account.timeZone }).startOf('week');
  return {
    email: account.email.toLowerCase(),
    name: account.name,
    kind: account.kind ?? 'work',
    timeZone: account.timeZone,
    color: account.color,
    calendars: account.calendars.map((calendar) => ({ name: calendar.name, color: calendar.color })),
    events: account.events.map((event) => ({
      id: event.id,
      title: event.title,
      description: event.description,
      location: event.location,
      calendar: event.calendar,
      time: resolveTime(event, monday, account.timeZone),
      recurrence: event.recurrence,
      attendees: (event.attendees ?? []).map((email) => email.toLowerCase()),
      transparency: event.transparency ?? 'opaque',
      status: event.status ?? 'confirmed',
    })),
  };
}

function resolveTime(
  event: z.infer<typeof seedEventSchema>,
  monday: DateTime,
  timeZone: string,
): ResolvedTime {
  const day = monday.plus({ days: event.day });
  if (!event.start) {
    const days = event.allDayDays ?? 1;
    return {
      kind: 'allDay',
      startDate: day.toISODate() ?? '',
      endDate: day.plus({ days }).toISODate() ?? '',
    };
  }
  const [hour, minute] = event.start.split(':').map(Number);
  // Wall-clock arithmetic in the account's zone, so 09:00 stays 09:00 across a DST change.
  const start = day.set({ hour: hour ?? 0, minute: minute ?? 0 });
  const end = start.plus({ minutes: event.durationMinutes ?? 60 });
  return { kind: 'timed', start: start.toJSDate(), end: end.toJSDate(), timeZone };
}
