import type {
  CalendarProvider,
  ChangesPage,
  EventChange,
  EventTime,
  EventWrite,
  ProviderEvent,
  TimeWindow,
} from '../types';
import { ProviderNotFoundError } from '../errors';
import type { ContractAccount } from './harness';

/**
 * Shared building blocks of the contract suite: event builders, a cursor drain, and a tracker that
 * deletes what a test created. Everything here speaks only the CalendarProvider interface.
 */

/** One id per suite run, so titles never collide with leftovers of earlier runs. */
export const runId = Math.random().toString(36).slice(2, 8);

export function uniqueTitle(label: string): string {
  return `contract ${runId} ${label} ${Math.random().toString(36).slice(2, 6)}`;
}

export function timed(startIso: string, endIso: string, timeZone: string | null): EventTime {
  return { kind: 'timed', start: new Date(startIso), end: new Date(endIso), timeZone };
}

export function allDay(startDate: string, endDate: string): EventTime {
  return { kind: 'allDay', startDate, endDate };
}

export function window(startIso: string, endIso: string): TimeWindow {
  return { start: new Date(startIso), end: new Date(endIso) };
}

export function eventWrite(title: string, time: EventTime, extra: Partial<EventWrite> = {}): EventWrite {
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time,
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
    ...extra,
  };
}

export interface Drained {
  changes: EventChange[];
  pages: ChangesPage[];
  cursor: string;
}

/** Reads every page of one readChanges call; checks that only the last page carries a cursor. */
export async function drain(
  account: ContractAccount,
  cursor: string | null,
  range: TimeWindow,
): Promise<Drained> {
  const pages: ChangesPage[] = [];
  for await (const page of account.provider.readChanges(account.calendarId, cursor, range)) {
    pages.push(page);
  }
  const last = pages.at(-1);
  if (!last || !last.nextCursor) throw new Error('readChanges ended without a nextCursor on its last page');
  const early = pages.slice(0, -1).filter((page) => page.nextCursor !== null);
  if (early.length > 0) throw new Error('readChanges returned a nextCursor before its last page');
  return { changes: pages.flatMap((page) => page.changes), pages, cursor: last.nextCursor };
}

/** The changes that concern the given external ids (other tests share the calendar). */
export function changesFor(changes: EventChange[], ids: Iterable<string>): EventChange[] {
  const wanted = new Set(ids);
  return changes.filter((change) =>
    wanted.has(change.type === 'removed' ? change.externalId : change.event.externalId),
  );
}

export function upserts(changes: EventChange[]): ProviderEvent[] {
  return changes.flatMap((change) => (change.type === 'upsert' ? [change.event] : []));
}

export function byTitle(events: ProviderEvent[], title: string): ProviderEvent[] {
  return events.filter((event) => event.title === title).sort((a, b) => startMs(a.time) - startMs(b.time));
}

/** Milliseconds of an event's start; all-day dates count as UTC midnight. */
export function startMs(time: EventTime): number {
  return time.kind === 'timed' ? time.start.getTime() : Date.parse(`${time.startDate}T00:00:00Z`);
}

export function sameEmail(a: string | null | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}

/**
 * Tries `check` a bounded number of times: invitations and replies may land asynchronously. Short
 * intervals (the same 10 s in all): most land within a few tens of milliseconds.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, attempts = 200): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const result = await check();
    if (result !== undefined) return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}

/** Remembers what a test created, and cancels it afterwards whatever the outcome. */
export class CreatedEvents {
  private readonly items: { provider: CalendarProvider; calendarId: string; externalId: string }[] = [];

  async create(account: ContractAccount, write: EventWrite): Promise<ProviderEvent> {
    const event = await account.provider.createEvent(account.calendarId, write);
    this.items.push({
      provider: account.provider,
      calendarId: account.calendarId,
      externalId: event.externalId,
    });
    return event;
  }

  track(account: ContractAccount, externalId: string): void {
    this.items.push({ provider: account.provider, calendarId: account.calendarId, externalId });
  }

  async cleanUp(): Promise<void> {
    const items = this.items.splice(0);
    for (const item of items) {
      try {
        await item.provider.cancelEvent(item.calendarId, item.externalId);
      } catch (error) {
        // Already gone (the test deleted it, or a cancelled series took it along): nothing to do.
        if (!(error instanceof ProviderNotFoundError)) throw error;
      }
    }
  }
}

/** Runs `task` over `items` with at most `limit` at a time, so emulators and servers are not flooded. */
export async function inBatches<T, R>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += limit) {
    results.push(...(await Promise.all(items.slice(index, index + limit).map(task))));
  }
  return results;
}
