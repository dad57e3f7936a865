/**
 * Loads a resolved seed (emulators/shared/seed.ts) into the Google store: accounts first, then
 * their events through the same insert path as the API, so invitations between seeded accounts
 * land in the guests' calendars exactly as a live insert would.
 */
import type { ResolvedSeed, ResolvedSeedEvent } from '../shared/seed';
import { parseEventBody } from './event-body';
import { insertEvent } from './event-service';
import type { GoogleStore } from './store';
import type { Account } from './types';

export function loadSeedIntoStore(store: GoogleStore, seed: ResolvedSeed): void {
  store.clear();
  for (const seeded of seed.accounts) {
    const account = store.addAccount(seeded.email, seeded.name, seeded.timeZone, seeded.color);
    for (const calendar of seeded.calendars)
      store.addCalendar(account, { summary: calendar.name, color: calendar.color });
  }
  for (const seeded of seed.accounts) {
    const account = store.accounts.get(seeded.email);
    if (!account) continue;
    for (const event of seeded.events) insertSeedEvent(store, account, event);
  }
  // Seeding is not news: nothing to tell anyone.
  store.outbox = [];
}

function insertSeedEvent(store: GoogleStore, account: Account, event: ResolvedSeedEvent): void {
  const calendar = event.calendar
    ? account.calendars.find((candidate) => candidate.summary === event.calendar)
    : account.calendars.find((candidate) => candidate.primary);
  if (!calendar) throw new Error(`seed: ${account.email} has no calendar named ${event.calendar}`);
  const time = event.time;
  const body = parseEventBody({
    ...(event.id ? { id: event.id } : {}),
    summary: event.title,
    description: event.description,
    location: event.location,
    status: event.status,
    transparency: event.transparency,
    recurrence: event.recurrence,
    start:
      time.kind === 'timed'
        ? { dateTime: time.start.toISOString(), timeZone: time.timeZone }
        : { date: time.startDate },
    end:
      time.kind === 'timed'
        ? { dateTime: time.end.toISOString(), timeZone: time.timeZone }
        : { date: time.endDate },
    attendees:
      event.attendees.length > 0
        ? [account.email, ...event.attendees].map((email) => ({ email }))
        : undefined,
  });
  insertEvent({ store, account, calendar, sendUpdates: 'none' }, body);
}
