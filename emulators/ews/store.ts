import { randomUUID } from 'node:crypto';
import { fromRrule } from '../microsoft/ical-recurrence';
import type { ResolvedSeed } from '../shared/seed';
import { folderId, newChangeKey, newItemId, parseId } from './ids';
import { occurrenceAt, type ItemView, masterView } from './occurrences';
import type { AttendeeRecord, CalendarItemRecord, MailboxRecord, Person, ResponseType } from './store-types';

/** An EWS response code with its message, thrown by the store and written as a response message. */
export class EwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The password every seeded mailbox has in the emulator (a deliberate difference: one for all). */
export const DEFAULT_PASSWORD = 'exchange-demo';

const IANA_TO_WINDOWS: Record<string, string> = {
  UTC: 'UTC',
  'Europe/London': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'America/Chicago': 'Central Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  'Australia/Sydney': 'AUS Eastern Standard Time',
  'Australia/Lord_Howe': 'Lord Howe Standard Time',
};

export interface SyncChange {
  type: 'Create' | 'Update' | 'Delete';
  itemId: string;
  item: CalendarItemRecord | null;
}

export class EwsStore {
  readonly mailboxes = new Map<string, MailboxRecord>();
  private version = 0;
  /** Bumped to make every SyncState issued so far invalid (ErrorInvalidSyncStateData). */
  private syncEpoch = randomUUID().slice(0, 8);
  /** Where invitations, updates, cancellations and replies to people not hosted here go (iMIP). */
  outside: (message: OutsideMessage) => void = () => {};

  nextVersion(): number {
    this.version += 1;
    return this.version;
  }

  addMailbox(
    person: Person & { password?: string; timeZone?: string; impersonates?: string[] },
  ): MailboxRecord {
    const email = person.email.toLowerCase();
    const mailbox: MailboxRecord = {
      email,
      name: person.name,
      password: person.password ?? DEFAULT_PASSWORD,
      timeZone: person.timeZone ?? 'Europe/London',
      calendarFolderId: folderId(email),
      items: new Map(),
      tombstones: [],
      impersonates: person.impersonates ?? [],
    };
    this.mailboxes.set(email, mailbox);
    return mailbox;
  }

  mailbox(email: string): MailboxRecord | undefined {
    return this.mailboxes.get(email.toLowerCase());
  }

  clear(): void {
    this.mailboxes.clear();
    this.expireSyncStates();
  }

  loadSeed(seed: ResolvedSeed): void {
    for (const account of seed.accounts) this.addMailbox(account);
    for (const account of seed.accounts) {
      const owner = this.mailbox(account.email)!;
      for (const event of account.events) {
        if (event.calendar) continue; // one calendar folder per mailbox (see README)
        const zone = event.time.kind === 'timed' ? event.time.timeZone : account.timeZone;
        const start =
          event.time.kind === 'timed' ? event.time.start : new Date(`${event.time.startDate}T00:00:00Z`);
        const end =
          event.time.kind === 'timed' ? event.time.end : new Date(`${event.time.endDate}T00:00:00Z`);
        const startDate =
          event.time.kind === 'timed' ? start.toISOString().slice(0, 10) : event.time.startDate;
        this.createItem(
          owner,
          {
            subject: event.title,
            body: event.description ?? '',
            location: event.location ?? '',
            start,
            end,
            isAllDay: event.time.kind === 'allDay',
            timeZone: event.time.kind === 'timed' ? windowsZoneOf(zone) : 'UTC',
            recurrence: event.recurrence ? fromRrule(event.recurrence, startDate, zone) : null,
            attendees: event.attendees.map((email) => ({
              email,
              name: this.mailbox(email)?.name ?? email,
              optional: false,
            })),
            freeBusy: event.transparency === 'transparent' ? 'Free' : 'Busy',
          },
          true,
        );
      }
    }
  }

  // ---- reading ----

  /** The item or occurrence an id names, in `mailbox`. */
  resolve(mailbox: MailboxRecord, id: string): ItemView {
    const parsed = parseId(id);
    if (!parsed || parsed.kind === 'folder')
      throw new EwsError('ErrorInvalidIdMalformed', 'Id is malformed.');
    const itemId = parsed.kind === 'item' ? parsed.itemId : parsed.masterId;
    const item = mailbox.items.get(itemId);
    if (!item) throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
    if (parsed.kind === 'item') return masterView(item);
    const occurrence = occurrenceAt(item, parsed.originalStart);
    if (!occurrence)
      throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
    return occurrence;
  }

  syncState(version: number): string {
    return Buffer.from(JSON.stringify({ e: this.syncEpoch, v: version })).toString('base64');
  }

  /** The changes after `state` (empty: everything), oldest first, at most `max`. */
  changesSince(
    mailbox: MailboxRecord,
    state: string | undefined,
    max: number,
  ): { changes: SyncChange[]; state: string; includesLast: boolean } {
    let since = 0;
    if (state) {
      let decoded: { e?: string; v?: number } = {};
      try {
        decoded = JSON.parse(Buffer.from(state, 'base64').toString('utf8')) as typeof decoded;
      } catch {
        decoded = {};
      }
      if (decoded.e !== this.syncEpoch || typeof decoded.v !== 'number')
        throw new EwsError(
          'ErrorInvalidSyncStateData',
          'Synchronization state data is corrupt or otherwise invalid.',
        );
      since = decoded.v;
    }
    const all: (SyncChange & { version: number })[] = [];
    for (const item of mailbox.items.values()) {
      if (item.version <= since) continue;
      all.push({
        type: item.createdVersion > since ? 'Create' : 'Update',
        itemId: item.id,
        item,
        version: item.version,
      });
    }
    for (const tombstone of mailbox.tombstones) {
      if (tombstone.version > since && tombstone.createdVersion <= since)
        all.push({ type: 'Delete', itemId: tombstone.id, item: null, version: tombstone.version });
    }
    all.sort((a, b) => a.version - b.version);
    const page = all.slice(0, max);
    const last = page.at(-1)?.version ?? Math.max(since, this.version);
    return {
      changes: page.map(({ type, itemId, item }) => ({ type, itemId, item })),
      state: this.syncState(page.length < all.length ? last : Math.max(last, this.version)),
      includesLast: page.length === all.length,
    };
  }

  expireSyncStates(): void {
    this.syncEpoch = randomUUID().slice(0, 8);
  }

  // ---- writing ----

  touch(item: CalendarItemRecord): void {
    item.changeKey = newChangeKey();
    item.version = this.nextVersion();
    item.lastModified = new Date();
  }

  createItem(owner: MailboxRecord, fields: NewItemFields, sendInvitations: boolean): CalendarItemRecord {
    const version = this.nextVersion();
    const now = new Date();
    const organizer = { email: owner.email, name: owner.name };
    const item: CalendarItemRecord = {
      id: newItemId(),
      changeKey: newChangeKey(),
      mailbox: owner.email,
      uid: fields.uid ?? `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, '').toUpperCase()}`,
      subject: fields.subject,
      body: fields.body,
      bodyType: 'Text',
      location: fields.location,
      start: fields.start,
      end: fields.end,
      isAllDay: fields.isAllDay,
      timeZone: fields.timeZone,
      recurrence: fields.recurrence,
      modified: new Map(),
      deleted: new Set(),
      organizer,
      attendees: fields.attendees.map((attendee) => ({
        ...attendee,
        email: attendee.email.toLowerCase(),
        response: 'Unknown',
        lastResponseTime: null,
      })),
      myResponse: 'Organizer',
      isMeeting: fields.attendees.length > 0,
      isCancelled: false,
      freeBusy: fields.freeBusy ?? 'Busy',
      extended: fields.extended ?? new Map(),
      sequence: 0,
      created: now,
      lastModified: now,
      createdVersion: version,
      version,
    };
    owner.items.set(item.id, item);
    if (sendInvitations) this.deliver(item, item.attendees, 'REQUEST');
    return item;
  }

  /**
   * Meeting requests, updates and cancellations from an organiser's item to its attendees. A full
   * update (`askAgain`: a new time for the series or for one occurrence) sets the attendee's own
   * answer back to not responded there, as Outlook ignores answers given to the earlier time.
   */
  deliver(
    item: CalendarItemRecord,
    to: AttendeeRecord[],
    method: 'REQUEST' | 'CANCEL',
    askAgain: AskAgain = NOT_AGAIN,
  ): void {
    for (const attendee of to) {
      if (attendee.email === item.mailbox) continue;
      const mailbox = this.mailbox(attendee.email);
      if (!mailbox) {
        this.outside({ method, from: item.organizer, to: attendee, item });
        continue;
      }
      const copy = [...mailbox.items.values()].find((candidate) => candidate.uid === item.uid);
      if (method === 'CANCEL') {
        if (copy && !copy.isCancelled) {
          copy.isCancelled = true;
          copy.subject = `Canceled: ${item.subject}`;
          copy.freeBusy = 'Free';
          this.touch(copy);
        }
        continue;
      }
      if (copy) {
        Object.assign(copy, contentOf(item), { attendees: item.attendees.map((a) => ({ ...a })) });
        if (askAgain.series) Object.assign(copy, { myResponse: 'NoResponseReceived', freeBusy: 'Tentative' });
        const exception = askAgain.occurrence ? copy.modified.get(askAgain.occurrence) : undefined;
        if (askAgain.occurrence && exception)
          copy.modified.set(askAgain.occurrence, { ...exception, myResponse: 'NoResponseReceived' });
        this.touch(copy);
        continue;
      }
      const version = this.nextVersion();
      const received: CalendarItemRecord = {
        ...item,
        ...contentOf(item),
        id: newItemId(),
        changeKey: newChangeKey(),
        mailbox: mailbox.email,
        attendees: item.attendees.map((a) => ({ ...a })),
        myResponse: 'NoResponseReceived',
        // Exchange puts an unanswered meeting request on the calendar as tentative.
        freeBusy: 'Tentative',
        extended: new Map(),
        created: new Date(),
        lastModified: new Date(),
        createdVersion: version,
        version,
      };
      mailbox.items.set(received.id, received);
    }
  }

  removeItem(mailbox: MailboxRecord, item: CalendarItemRecord): void {
    mailbox.items.delete(item.id);
    mailbox.tombstones.push({
      id: item.id,
      createdVersion: item.createdVersion,
      version: this.nextVersion(),
    });
  }

  /** An attendee's answer on their copy; the organiser's item records it (or an iMIP REPLY leaves). */
  respond(
    mailbox: MailboxRecord,
    copy: CalendarItemRecord,
    response: 'Accept' | 'Tentative' | 'Decline',
  ): void {
    if (copy.myResponse === 'Organizer')
      throw new EwsError(
        'ErrorCalendarIsOrganizerForAccept',
        'The organizer cannot accept, decline or tentatively accept.',
      );
    const now = new Date();
    copy.myResponse = response;
    copy.freeBusy = response === 'Accept' ? 'Busy' : response === 'Tentative' ? 'Tentative' : 'Free';
    const self = copy.attendees.find((attendee) => attendee.email === mailbox.email);
    if (self) Object.assign(self, { response, lastResponseTime: now });
    // Exchange moves a declined meeting out of the calendar (to Deleted Items).
    if (response === 'Decline') this.removeItem(mailbox, copy);
    else this.touch(copy);
    const organizer = this.mailbox(copy.organizer.email);
    const original = organizer && [...organizer.items.values()].find((item) => item.uid === copy.uid);
    if (!organizer || !original) {
      this.outside({
        method: 'REPLY',
        from: { email: mailbox.email, name: mailbox.name },
        to: copy.organizer,
        item: copy,
        response,
      });
      return;
    }
    const entry = original.attendees.find((attendee) => attendee.email === mailbox.email);
    if (entry) {
      Object.assign(entry, { response, lastResponseTime: now });
      this.touch(original);
    }
  }
}

/** What an organiser's update asks the attendees to answer again: the series, or one occurrence. */
export interface AskAgain {
  series: boolean;
  /** The occurrence's original start (UTC ISO). */
  occurrence: string | null;
}
const NOT_AGAIN: AskAgain = { series: false, occurrence: null };

/**
 * A significant change (MS-OXOCAL 3.1.4.7.3.1: start, end or recurrence) is a full update: the
 * responses tallied so far on the organiser's item (or on that occurrence's exception) are cleared
 * (3.1.4.7.3.2) and every attendee answers again. Other changes keep the answers.
 */
export function clearTalliedResponses(attendees: AttendeeRecord[]): AttendeeRecord[] {
  return attendees.map((attendee) => ({
    ...attendee,
    response: 'Unknown',
    lastResponseTime: null,
    proposed: null,
  }));
}

export interface NewItemFields {
  uid?: string;
  subject: string;
  body: string;
  location: string;
  start: Date;
  end: Date;
  isAllDay: boolean;
  timeZone: string;
  recurrence: CalendarItemRecord['recurrence'];
  attendees: { email: string; name: string; optional: boolean }[];
  freeBusy?: CalendarItemRecord['freeBusy'];
  extended?: Map<string, string>;
}

export interface OutsideMessage {
  method: 'REQUEST' | 'CANCEL' | 'REPLY';
  from: Person;
  to: Person;
  item: CalendarItemRecord;
  response?: ResponseType;
}

function contentOf(item: CalendarItemRecord): Partial<CalendarItemRecord> {
  return {
    subject: item.subject,
    body: item.body,
    location: item.location,
    start: item.start,
    end: item.end,
    isAllDay: item.isAllDay,
    timeZone: item.timeZone,
    recurrence: item.recurrence,
    modified: new Map(item.modified),
    deleted: new Set(item.deleted),
    sequence: item.sequence,
    isMeeting: true,
    organizer: item.organizer,
  };
}

export function windowsZoneOf(iana: string): string {
  return IANA_TO_WINDOWS[iana] ?? 'UTC';
}
