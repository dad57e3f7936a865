/**
 * The Google emulator's state: accounts, their calendars and the events stored in each calendar
 * (an attendee's copy is its own stored event), one change log for sync tokens, and the outbox of
 * notification emails `sendUpdates` would have sent. Pure in-memory; reset and seeding rebuild it.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../shared/clock';
import { ListingSnapshots } from './listing-snapshots';
import type { Account, CalendarState, GEvent, OutboxMessage, StoredEvent } from './types';

/** Google's palette entries used for calendar colours (calendarList `backgroundColor`). */
const COLORS = ['#9fe1e7', '#f691b2', '#7bd148', '#fad165', '#92e1c0', '#a4bdfc', '#cd74e6', '#ffad46'];

export class GoogleStore {
  readonly accounts = new Map<string, Account>();
  readonly calendars = new Map<string, CalendarState>();
  outbox: OutboxMessage[] = [];
  /** Paged listings in progress, each frozen at its first page. */
  readonly listings = new ListingSnapshots();
  private seq = 0;
  /** Changes on reset, seed and "expire sync tokens": tokens from an earlier epoch answer 410. */
  private epoch = randomId(8);
  private readonly listeners = new Set<(calendarId: string) => void>();

  constructor(readonly clock: EmulatorClock) {}

  clear(): void {
    this.accounts.clear();
    this.calendars.clear();
    this.outbox = [];
    this.listings.clear();
    this.epoch = randomId(8);
  }

  addAccount(email: string, name: string, timeZone: string, color?: string): Account {
    const lower = email.toLowerCase();
    const account: Account = { email: lower, name, timeZone, calendars: [] };
    this.accounts.set(lower, account);
    // Google's primary calendar id is the account's email address.
    this.addCalendar(account, { id: lower, summary: lower, primary: true, color });
    return account;
  }

  addCalendar(
    account: Account,
    options: { id?: string; summary: string; primary?: boolean; color?: string },
  ): CalendarState {
    const index = this.calendars.size;
    const calendar: CalendarState = {
      id: options.id ?? `${randomBase32(26)}@group.calendar.google.com`,
      ownerEmail: account.email,
      summary: options.summary,
      timeZone: account.timeZone,
      backgroundColor: options.color ?? COLORS[index % COLORS.length] ?? '#a4bdfc',
      foregroundColor: '#000000',
      colorId: String((index % 24) + 1),
      primary: options.primary ?? false,
      resourceId: randomId(20),
      events: new Map(),
    };
    account.calendars.push(calendar);
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  primaryCalendar(email: string): CalendarState | undefined {
    return this.accounts.get(email.toLowerCase())?.calendars.find((calendar) => calendar.primary);
  }

  /** The account's own calendar for a path's calendarId (`primary` is an alias); others are invisible. */
  calendarFor(account: Account, calendarId: string): CalendarState | undefined {
    if (calendarId === 'primary') return account.calendars.find((calendar) => calendar.primary);
    return account.calendars.find((calendar) => calendar.id.toLowerCase() === calendarId.toLowerCase());
  }

  /** Stores a new version: next seq, fresh `updated` and `etag`; tells watchers. */
  write(calendar: CalendarState, resource: Omit<GEvent, 'etag' | 'updated'> & Partial<GEvent>): StoredEvent {
    this.seq += 1;
    const now = this.clock.now();
    const stored: StoredEvent = {
      seq: this.seq,
      resource: {
        ...resource,
        updated: now.toISOString(),
        // Google etags are quoted decimal strings; the seq keeps them unique per version.
        etag: `"${now.getTime()}${String(this.seq).padStart(6, '0')}"`,
      },
    };
    calendar.events.set(resource.id, stored);
    for (const listener of this.listeners) listener(calendar.id);
    return stored;
  }

  onChange(listener: (calendarId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  currentSeq(): number {
    return this.seq;
  }

  syncToken(calendarId: string, seq: number): string {
    const raw = JSON.stringify({ c: calendarId, s: seq, e: this.epoch });
    return `CP${Buffer.from(raw).toString('base64url')}`;
  }

  /** The seq a sync token stands for, or null when it is unknown, foreign or expired (→ 410). */
  readSyncToken(calendarId: string, token: string): number | null {
    if (!token.startsWith('CP')) return null;
    try {
      const value: unknown = JSON.parse(Buffer.from(token.slice(2), 'base64url').toString('utf8'));
      if (typeof value !== 'object' || value === null) return null;
      const { c, s, e } = value as { c?: unknown; s?: unknown; e?: unknown };
      if (c !== calendarId || e !== this.epoch || typeof s !== 'number') return null;
      return s;
    } catch {
      return null;
    }
  }

  /** Every sync token issued so far answers 410 from now on. */
  expireSyncTokens(): void {
    this.epoch = randomId(8);
  }

  /** A fresh event id: base32hex, as Google's are. */
  newEventId(): string {
    return randomBase32(26);
  }

  /** Sends an outbox message's iMIP email (set by the server when a relay is configured). */
  mailer: ((message: OutboxMessage) => void) | null = null;

  send(message: Omit<OutboxMessage, 'at' | 'external'>): void {
    const external = !this.accounts.has(message.to.toLowerCase());
    const recorded: OutboxMessage = { ...message, external, at: this.clock.now().toISOString() };
    this.outbox.push(recorded);
    if (external && recorded.imip) this.mailer?.(recorded);
  }
}

export function randomId(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Random base32hex (`0-9a-v`) of the given length. */
export function randomBase32(length: number): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % 32];
  return out;
}
