import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { createEvent } from './event-writes';
import type { MicrosoftStore } from './store';
import type { AccountRecord } from './store-types';

/**
 * Seed files describe accounts and events relative to "now" (days from this week's Monday), so
 * the demo always has something on the current and next weeks. Ids derive from e-mail addresses:
 * calendars keep their ids across restarts, which keeps the app's stored calendar ids valid.
 */

export const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

const seedEvent = z.object({
  organizer: z.string(),
  subject: z.string(),
  day: z.number().int(),
  start: z
    .string()
    .regex(/^\d\d:\d\d$/)
    .optional(),
  minutes: z.number().int().positive().optional(),
  allDayDays: z.number().int().positive().optional(),
  location: z.string().optional(),
  showAs: z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere']).optional(),
  attendees: z.array(z.string()).optional(),
  recurrence: z
    .object({
      type: z.enum(['daily', 'weekly']),
      daysOfWeek: z
        .array(z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']))
        .optional(),
      occurrences: z.number().int().positive(),
    })
    .optional(),
});

export const seedFile = z.object({
  tenantId: z.string(),
  clients: z.array(
    z.object({
      clientId: z.string(),
      clientSecret: z.string(),
      redirectUris: z.array(z.string()).default([]),
    }),
  ),
  accounts: z.array(
    z.object({
      email: z.string(),
      displayName: z.string(),
      kind: z.enum(['work', 'personal']).default('work'),
      timeZone: z.string().default('Europe/London'),
      calendars: z.array(z.object({ name: z.string(), color: z.string().default('auto') })).optional(),
    }),
  ),
  events: z.array(seedEvent).default([]),
});
export type SeedFile = z.input<typeof seedFile>;

/** The Microsoft-only seed the emulator's own tests use (it adds a personal Outlook.com account). */
export const MICROSOFT_SEED_PATH = fileURLToPath(new URL('./seed/northbridge.json', import.meta.url));
/** The demo seed shared with the Google emulator. */
export const SHARED_DEMO_SEED_PATH = fileURLToPath(new URL('../seed/demo.json', import.meta.url));

export function loadSeedFile(path: string | URL = MICROSOFT_SEED_PATH): SeedFile {
  return seedFile.parse(JSON.parse(readFileSync(path, 'utf8')));
}

function stableGuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stableCalendarId(email: string, name: string): string {
  return `AAMkAGI${createHash('sha256').update(`${email}/${name}`).digest('base64url').replace(/_/g, 'x')}AAA=`;
}

/** Graph calendar colours and the hex Outlook shows for them. */
export const CALENDAR_COLORS: Record<string, string> = {
  auto: '#0078d4',
  lightBlue: '#a6d1f5',
  lightGreen: '#87d28e',
  lightOrange: '#fcab73',
  lightGray: '#c0c0c0',
  lightYellow: '#f4d07a',
  lightTeal: '#6fe2d6',
  lightPink: '#f1a3b5',
  lightBrown: '#cba17e',
  lightRed: '#ee7a81',
};

/** Adds an account with its calendars (the first one is the default calendar). */
export function addAccount(
  store: MicrosoftStore,
  spec: Omit<AccountRecord, 'id' | 'workingHours'> & {
    calendars: { name: string; color: string; hexColor?: string }[];
  },
): AccountRecord {
  const account: AccountRecord = {
    id: stableGuid(spec.email.toLowerCase()),
    email: spec.email,
    displayName: spec.displayName,
    kind: spec.kind,
    tenantId: spec.tenantId,
    timeZone: spec.timeZone,
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '09:00',
      endTime: '17:00',
    },
  };
  store.accounts.set(account.id, account);
  spec.calendars.forEach((calendar, index) => {
    const id = stableCalendarId(account.email.toLowerCase(), calendar.name);
    store.calendars.set(id, {
      id,
      ownerId: account.id,
      name: calendar.name,
      color: calendar.color,
      hexColor: calendar.hexColor ?? CALENDAR_COLORS[calendar.color] ?? '#0078d4',
      isDefault: index === 0,
      canEdit: true,
    });
  });
  return account;
}

export function applySeed(store: MicrosoftStore, input: SeedFile, now = new Date()): void {
  const seed = seedFile.parse(input);
  store.clear();
  for (const client of seed.clients) store.clients.set(client.clientId, client);
  for (const spec of seed.accounts) {
    addAccount(store, {
      email: spec.email,
      displayName: spec.displayName,
      kind: spec.kind,
      tenantId: spec.kind === 'personal' ? CONSUMERS_TENANT : seed.tenantId,
      timeZone: spec.timeZone,
      calendars: spec.calendars ?? [{ name: 'Calendar', color: 'auto' }],
    });
  }
  for (const spec of seed.events) seedOneEvent(store, spec, now);
}

function seedOneEvent(store: MicrosoftStore, spec: z.infer<typeof seedEvent>, now: Date): void {
  const owner = store.accountByIdOrEmail(spec.organizer);
  const calendar = owner && store.defaultCalendar(owner.id);
  if (!owner || !calendar) throw new Error(`seed: unknown organiser ${spec.organizer}`);
  const monday = DateTime.fromJSDate(now, { zone: owner.timeZone }).startOf('week');
  const day = monday.plus({ days: spec.day });
  const local = (value: DateTime) => value.toFormat("yyyy-MM-dd'T'HH:mm:ss");
  let start: DateTime;
  let end: DateTime;
  if (spec.allDayDays) {
    start = day.startOf('day');
    end = start.plus({ days: spec.allDayDays });
  } else {
    const [hour, minute] = (spec.start ?? '09:00').split(':').map(Number);
    start = day.set({ hour: hour ?? 9, minute: minute ?? 0, second: 0, millisecond: 0 });
    end = start.plus({ minutes: spec.minutes ?? 60 });
  }
  createEvent(
    store,
    owner,
    calendar,
    {
      subject: spec.subject,
      body: { contentType: 'text', content: '' },
      start: { dateTime: local(start), timeZone: owner.timeZone },
      end: { dateTime: local(end), timeZone: owner.timeZone },
      isAllDay: Boolean(spec.allDayDays),
      location: spec.location ? { displayName: spec.location } : undefined,
      showAs: spec.showAs,
      attendees: spec.attendees?.map((email) => ({
        emailAddress: { address: email, name: store.accountByIdOrEmail(email)?.displayName ?? email },
        type: 'required' as const,
      })),
      recurrence: spec.recurrence
        ? {
            pattern: {
              type: spec.recurrence.type,
              interval: 1,
              daysOfWeek: spec.recurrence.daysOfWeek ?? [],
              firstDayOfWeek: 'monday',
            },
            range: {
              type: 'numbered',
              startDate: day.toISODate() ?? '',
              numberOfOccurrences: spec.recurrence.occurrences,
              recurrenceTimeZone: owner.timeZone,
            },
          }
        : undefined,
    },
    now,
  );
}
