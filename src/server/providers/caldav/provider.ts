import { randomUUID } from 'node:crypto';
import { createAccount, fetchCalendars, fetchCalendarUserAddresses, type DAVAccount } from 'tsdav';
import { ProviderBadRequestError, ProviderConflictError, ProviderNotFoundError } from '../errors';
import { PolledCalendarProvider } from '../polled-provider';
import type {
  AttendeeResponse,
  CalendarProvider,
  ChangesPage,
  CreateOptions,
  EventChange,
  EventWrite,
  FreeBusyResult,
  ProviderCalendar,
  ProviderCapabilities,
  ProviderEvent,
  TimeWindow,
  WriteOptions,
} from '../types';
import { CalendarCollection, type StoredObject } from './calendar-objects';
import { calendarFromDav } from './calendar-list';
import { fetchSchedulingUrls, isSchedulingCollection, sameCollection } from './scheduling-collections';
import { readCollectionChanges } from './collection-sync';
import { reconcileCollection } from './reconcile';
import type { CalDavConfig } from './config';
import { createDavFetch, isIcloudHost } from './dav-fetch';
import { errorFromThrown } from './errors';
import {
  applyWrite,
  eventFromVevent,
  setOwnPartstat,
  type ReadContext,
  type WriteIdentity,
} from './event-mapping';
import { expandObject } from './ical-expand';
import { parseObject, type ParsedObject } from './ical-read';
import { addPlainOverride, cancelInstance, findOverride, overrideInstance } from './ical-series';
import { bumpSequence, ensureTimezones, newCalendar, newVevent } from './ical-write';
import { instanceId, instantOfKey, objectNameForKey, parseEventId } from './ids';
import { busyIntervals } from './free-busy';

/**
 * CalendarProvider for CalDAV servers and Apple iCloud. Calendar ids are calendar collection
 * URLs; event ids are object names in the collection (see ids.ts). CalDAV has no push: the sync
 * engine polls with readChanges, which sync-collection makes cheap.
 */
export class CalDavProvider extends PolledCalendarProvider implements CalendarProvider {
  protected readonly noPushReason = 'CalDAV has no push notifications: poll with readChanges';
  readonly kind: 'caldav' | 'icloud';
  readonly capabilities: ProviderCapabilities;
  private readonly davFetch: typeof fetch;
  private readonly pageSize: number;
  private accountPromise: Promise<DAVAccount> | null = null;
  private addressesPromise: Promise<string[]> | null = null;

  constructor(private readonly config: CalDavConfig) {
    super();
    this.kind = config.kind;
    // freeBusyQuery: only the account's own busy times can be derived (from its events);
    // free-busy-query REPORT is not dependable (iCloud answers 400).
    this.capabilities = {
      push: null,
      serverScheduling: config.serverScheduling ?? false,
      freeBusyQuery: false,
    };
    this.davFetch = createDavFetch({
      credentials: config,
      serverUrl: config.serverUrl,
      ...(config.kind === 'icloud' ? { trustedHost: isIcloudHost } : {}),
      addressPolicy: config.addressPolicy,
      resolver: config.resolver,
      timeoutMs: config.timeoutMs,
      fetch: config.fetch,
    });
    this.pageSize = config.pageSize ?? 100;
  }

  async listCalendars(): Promise<ProviderCalendar[]> {
    const account = await this.account();
    const [calendars, scheduling] = await Promise.all([
      this.guard('list calendars', () => fetchCalendars({ account, fetch: this.davFetch })),
      fetchSchedulingUrls(account, this.davFetch),
    ]);
    const listed = calendars
      .filter((calendar) => !calendar.components?.length || calendar.components.includes('VEVENT'))
      .filter((calendar) => !isSchedulingCollection(calendar, scheduling))
      .sort((a, b) => a.url.localeCompare(b.url));
    // The server's default calendar where it names one; else the first of the home.
    const primary =
      listed.find((calendar) => sameCollection(calendar.url, scheduling.defaultCalendar)) ?? listed[0];
    return listed.map((calendar) => calendarFromDav(calendar, calendar === primary));
  }

  async readEvents(calendarId: string, window: TimeWindow): Promise<ProviderEvent[]> {
    const objects = await this.collection(calendarId).fetchInWindow(window);
    const selfAddresses = await this.selfAddresses();
    return objects.flatMap((object) =>
      this.safely(object, (parsed) => expandObject(parsed, this.context(object, selfAddresses), window)),
    );
  }

  async *readChanges(
    calendarId: string,
    cursor: string | null,
    window: TimeWindow,
  ): AsyncIterable<ChangesPage> {
    const selfAddresses = await this.selfAddresses();
    yield* readCollectionChanges(this.collection(calendarId), cursor, window, this.pageSize, (object) =>
      this.mirroredEvents(object, selfAddresses),
    );
  }

  /** What the mirror keeps of one object: its master and overrides, not expanded. */
  private mirroredEvents(object: StoredObject, selfAddresses: string[]): ProviderEvent[] {
    return this.safely(object, (parsed) => {
      const context = this.context(object, selfAddresses);
      return [parsed.master, ...parsed.overrides].flatMap((vevent) =>
        vevent ? [eventFromVevent(vevent, parsed, context)] : [],
      );
    });
  }

  async *reconcile(
    calendarId: string,
    window: TimeWindow,
    known: Map<string, string | null>,
  ): AsyncIterable<EventChange[]> {
    const selfAddresses = await this.selfAddresses();
    yield* reconcileCollection(this.collection(calendarId), window, known, this.pageSize, (object) =>
      this.mirroredEvents(object, selfAddresses),
    );
  }

  async getEvent(calendarId: string, externalId: string): Promise<ProviderEvent> {
    const { objectName, recurrenceKey } = parseEventId(externalId);
    const object = await this.collection(calendarId).get(objectName);
    return this.eventIn(
      object,
      parseObject(object.data),
      externalId,
      recurrenceKey,
      await this.selfAddresses(),
    );
  }

  /**
   * The object is PUT with If-None-Match: *. With an idempotency key its name comes from the key,
   * so a replayed create meets the first one (412) and returns it instead of storing a second.
   */
  async createEvent(
    calendarId: string,
    write: EventWrite,
    options: CreateOptions = {},
  ): Promise<ProviderEvent> {
    const uid = write.iCalUid ?? randomUUID();
    const name = options.idempotencyKey ? objectNameForKey(options.idempotencyKey) : `${randomUUID()}.ics`;
    const vcalendar = newCalendar();
    const vevent = newVevent(uid);
    applyWrite(vevent, write, await this.identity());
    vcalendar.addSubcomponent(vevent);
    ensureTimezones(vcalendar);
    const data = vcalendar.toString();
    const collection = this.collection(calendarId);
    try {
      const etag = await collection.put(name, data, { create: true });
      return await this.afterWrite(calendarId, { name, etag, data }, name);
    } catch (error) {
      if (options.idempotencyKey && error instanceof ProviderConflictError && error.status === 412) {
        return this.afterWrite(calendarId, await collection.get(name), name);
      }
      throw error;
    }
  }

  async updateEvent(
    calendarId: string,
    externalId: string,
    write: EventWrite,
    options?: WriteOptions,
  ): Promise<ProviderEvent> {
    const { objectName, recurrenceKey } = parseEventId(externalId);
    const collection = this.collection(calendarId);
    const object = await collection.get(objectName);
    const parsed = parseObject(object.data);
    const identity = await this.identity();
    if (recurrenceKey) {
      if (!parsed.master && !findOverride(parsed, recurrenceKey))
        throw new ProviderNotFoundError(`no instance ${externalId}`, 404);
      overrideInstance(parsed, recurrenceKey, write, identity);
    } else {
      if (!parsed.master) throw new ProviderNotFoundError(`no series master in ${objectName}`, 404);
      applyWrite(parsed.master, write, identity);
      // A copy Tandem places carries the meeting's own SEQUENCE; elsewhere each write raises it.
      if (write.sequence === undefined) bumpSequence(parsed.master);
    }
    ensureTimezones(parsed.vcalendar);
    const data = parsed.vcalendar.toString();
    const etag = await collection.put(objectName, data, { etag: options?.etag ?? object.etag });
    return this.afterWrite(calendarId, { name: objectName, etag, data }, externalId);
  }

  async cancelEvent(
    calendarId: string,
    externalId: string,
    options?: WriteOptions & { comment?: string },
  ): Promise<void> {
    const { objectName, recurrenceKey } = parseEventId(externalId);
    const collection = this.collection(calendarId);
    if (!recurrenceKey) {
      // A scheduling server (RFC 6638) sends the cancellations when the organiser's copy goes away.
      await collection.delete(objectName, options?.etag ?? null);
      return;
    }
    const object = await collection.get(objectName);
    const parsed = parseObject(object.data);
    const etag = options?.etag ?? object.etag;
    if (cancelInstance(parsed, recurrenceKey))
      await collection.put(objectName, parsed.vcalendar.toString(), { etag });
    else await collection.delete(objectName, etag);
  }

  async respondToEvent(
    calendarId: string,
    externalId: string,
    response: Exclude<AttendeeResponse, 'needs_action'>,
  ): Promise<void> {
    const { objectName, recurrenceKey } = parseEventId(externalId);
    const collection = this.collection(calendarId);
    const object = await collection.get(objectName);
    const parsed = parseObject(object.data);
    const selfAddresses = await this.selfAddresses();
    let targets = [parsed.master, ...parsed.overrides].flatMap((vevent) => (vevent ? [vevent] : []));
    if (recurrenceKey) {
      const instance = this.eventIn(object, parsed, externalId, recurrenceKey, selfAddresses);
      targets = [
        findOverride(parsed, recurrenceKey) ?? addPlainOverride(parsed, recurrenceKey, instance.time),
      ];
    }
    if (!setOwnPartstat(targets, selfAddresses, response)) {
      throw new ProviderBadRequestError(`the account is not an attendee of ${externalId}`, 400);
    }
    await collection.put(objectName, parsed.vcalendar.toString(), { etag: object.etag });
  }

  async freeBusy(accounts: string[], window: TimeWindow): Promise<Map<string, FreeBusyResult>> {
    const selfAddresses = await this.selfAddresses();
    const results = new Map<string, FreeBusyResult>();
    let own: FreeBusyResult | null = null;
    for (const account of accounts) {
      if (!selfAddresses.includes(account.toLowerCase())) {
        results.set(account, { ok: false, reason: 'not_available' });
        continue;
      }
      if (!own) {
        const calendars = await this.listCalendars();
        const events = (
          await Promise.all(calendars.map((calendar) => this.readEvents(calendar.externalId, window)))
        ).flat();
        own = { ok: true, busy: busyIntervals(events, window) };
      }
      results.set(account, own);
    }
    return results;
  }

  private collection(calendarId: string): CalendarCollection {
    return new CalendarCollection(calendarId, this.davFetch);
  }

  private async afterWrite(
    calendarId: string,
    written: StoredObject,
    externalId: string,
  ): Promise<ProviderEvent> {
    // Servers that rewrite what we PUT send no ETag (RFC 4791 §5.3.4): read back their version.
    const object = written.etag ? written : await this.collection(calendarId).get(written.name);
    const { recurrenceKey } = parseEventId(externalId);
    return this.eventIn(
      object,
      parseObject(object.data),
      externalId,
      recurrenceKey,
      await this.selfAddresses(),
    );
  }

  /** The event `externalId` inside one object: the master, an override, or a generated instance. */
  private eventIn(
    object: StoredObject,
    parsed: ParsedObject,
    externalId: string,
    key: string | null,
    selfAddresses: string[],
  ): ProviderEvent {
    const context = this.context(object, selfAddresses);
    if (!key) {
      const vevent = parsed.master ?? parsed.overrides[0];
      if (!vevent) throw new ProviderNotFoundError(`no event in ${object.name}`, 404);
      return eventFromVevent(vevent, parsed, context);
    }
    const override = findOverride(parsed, key);
    if (override) return eventFromVevent(override, parsed, context);
    const at = instantOfKey(key);
    const instance = expandObject(parsed, context, { start: new Date(at), end: new Date(at + 1) }).find(
      (event) => event.externalId === instanceId(object.name, key),
    );
    if (!instance) throw new ProviderNotFoundError(`no instance ${externalId}`, 404);
    return instance;
  }

  private context(object: StoredObject, selfAddresses: string[]): ReadContext {
    return { objectName: object.name, etag: object.etag, selfAddresses };
  }

  /** One malformed object must not stop a sync: it is left out (and shows up in no mirror). */
  private safely(object: StoredObject, read: (parsed: ParsedObject) => ProviderEvent[]): ProviderEvent[] {
    try {
      return read(parseObject(object.data));
    } catch (error) {
      console.warn(
        `caldav: skipping unreadable object ${object.name}:`,
        error instanceof Error ? error.message : error,
      );
      return [];
    }
  }

  private account(): Promise<DAVAccount> {
    this.accountPromise ??= this.guard('discovery', () =>
      createAccount({
        account: { serverUrl: this.config.serverUrl, accountType: 'caldav' },
        fetch: this.davFetch,
      }),
    ).catch((error: unknown) => {
      this.accountPromise = null;
      throw error;
    });
    return this.accountPromise;
  }

  /** The account's own calendar addresses, lower case: configured, username, calendar-user-address-set. */
  private selfAddresses(): Promise<string[]> {
    this.addressesPromise ??= (async () => {
      const addresses = new Set<string>();
      if (this.config.email) addresses.add(this.config.email.toLowerCase());
      if (this.config.username.includes('@')) addresses.add(this.config.username.toLowerCase());
      try {
        const account = await this.account();
        for (const address of await fetchCalendarUserAddresses({ account, fetch: this.davFetch })) {
          if (/^mailto:/i.test(address)) addresses.add(address.replace(/^mailto:/i, '').toLowerCase());
        }
      } catch {
        // Optional property (Radicale has none); the configured address is enough.
      }
      return [...addresses];
    })();
    return this.addressesPromise;
  }

  private async identity(): Promise<WriteIdentity> {
    const addresses = await this.selfAddresses();
    return {
      email: this.config.email ?? addresses[0] ?? this.config.username,
      name: this.config.displayName ?? null,
    };
  }

  private async guard<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw errorFromThrown(error, `CalDAV ${what}`);
    }
  }
}
