import { createHash } from 'node:crypto';
import { ProviderConflictError } from '../errors';
import type {
  CalendarProvider,
  ChangesPage,
  CreateOptions,
  EventWrite,
  FreeBusyResult,
  ProviderCalendar,
  ProviderCapabilities,
  ProviderEvent,
  PushChannel,
  TimeWindow,
  WatchRequest,
  WriteOptions,
} from '../types';
import { readDeltaPages } from './delta-reader';
import { valueListOf } from './errors';
import { exdateLines, toGraphBody, toProviderEvent, type GraphEvent } from './event-mapping';
import { readFreeBusy } from './free-busy';
import type { GraphSession } from './graph-session';
import { renewSubscription, startSubscription, stopSubscription } from './push';
import { cancelExcludedOccurrences } from './series-exclusions';
import { EXPAND_TAG } from './tag-lookup';

/** CalendarProvider over Microsoft Graph v1.0 (work and personal accounts, delegated or app-only). */

interface GraphCalendar {
  id: string;
  name: string;
  hexColor?: string;
  isDefaultCalendar?: boolean;
  canEdit?: boolean;
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

export interface MicrosoftAdapterOptions {
  /** Personal (Outlook.com) accounts have no getSchedule. */
  accountKind: 'work' | 'personal';
  /** Prefer odata.maxpagesize for delta rounds. */
  pageSize: number;
}

export class MicrosoftCalendarProvider implements CalendarProvider {
  readonly kind = 'microsoft' as const;
  readonly capabilities: ProviderCapabilities;

  constructor(
    private readonly session: GraphSession,
    private readonly options: MicrosoftAdapterOptions,
  ) {
    this.capabilities = {
      push: 'graph_subscription',
      serverScheduling: true,
      freeBusyQuery: options.accountKind === 'work',
    };
  }

  private async all<T>(operation: string, firstUrl: string, extraPrefer: string[] = []): Promise<T[]> {
    const items: T[] = [];
    let next: string | null = firstUrl;
    while (next) {
      const url: string = next;
      const page = await this.session.call(
        operation,
        () => this.session.api(url, extraPrefer).get() as Promise<Page<T>>,
      );
      items.push(...valueListOf(page, operation));
      next = page['@odata.nextLink'] ?? null;
    }
    return items;
  }

  async listCalendars(): Promise<ProviderCalendar[]> {
    const calendars = await this.all<GraphCalendar>(
      'list calendars',
      `${this.session.mailbox}/calendars?$top=100`,
    );
    return calendars.map((calendar) => ({
      externalId: calendar.id,
      name: calendar.name,
      color:
        calendar.hexColor && /^#[0-9a-f]{6}$/i.test(calendar.hexColor)
          ? calendar.hexColor.toLowerCase()
          : null,
      // Graph calendars have no zone of their own (the mailbox has one, in mailboxSettings).
      timeZone: null,
      isPrimary: calendar.isDefaultCalendar === true,
      canWrite: calendar.canEdit === true,
    }));
  }

  async readEvents(calendarId: string, window: TimeWindow): Promise<ProviderEvent[]> {
    const url =
      `${this.session.calendarPath(calendarId)}/calendarView?startDateTime=${window.start.toISOString()}` +
      `&endDateTime=${window.end.toISOString()}&$top=100&${EXPAND_TAG}`;
    const [events, self] = await Promise.all([
      this.all<GraphEvent>('read calendar view', url),
      this.session.selfEmail(),
    ]);
    return events.map((event) => toProviderEvent(event, self));
  }

  readChanges(calendarId: string, cursor: string | null, window: TimeWindow): AsyncIterable<ChangesPage> {
    return readDeltaPages(this.session, calendarId, cursor, window, this.options.pageSize);
  }

  async getEvent(_calendarId: string, externalId: string): Promise<ProviderEvent> {
    const [event, self] = await Promise.all([
      this.session.call(
        'get event',
        () =>
          this.session
            .api(`${this.session.eventPath(externalId)}?${EXPAND_TAG}`)
            .get() as Promise<GraphEvent>,
      ),
      this.session.selfEmail(),
    ]);
    return toProviderEvent(event, self);
  }

  async createEvent(
    calendarId: string,
    write: EventWrite,
    options: CreateOptions = {},
  ): Promise<ProviderEvent> {
    const body = toGraphBody(write);
    // The same key → the same transactionId: Graph returns the first event to a replayed create,
    // even when the content changed in between (a later version is written as an update). Without
    // a key, the same meeting with the same content gets the same id.
    const transactionId = options.idempotencyKey
      ? `tandem-${createHash('sha256')
          .update(JSON.stringify([calendarId, options.idempotencyKey]))
          .digest('hex')
          .slice(0, 40)}`
      : write.tandemMeetingId
        ? `tandem-${createHash('sha256')
            .update(JSON.stringify([calendarId, body]))
            .digest('hex')
            .slice(0, 40)}`
        : undefined;
    const created = await this.session.call(
      'create event',
      () =>
        this.session
          .api(`${this.session.calendarPath(calendarId)}/events`)
          .post({ ...body, ...(transactionId ? { transactionId } : {}) }) as Promise<GraphEvent>,
    );
    const exclusions = exdateLines(write);
    if (exclusions.length > 0) {
      await cancelExcludedOccurrences(this.session, created, exclusions);
      return this.getEvent(calendarId, created.id);
    }
    return toProviderEvent(created, await this.session.selfEmail(), write.tandemMeetingId);
  }

  async updateEvent(
    calendarId: string,
    externalId: string,
    write: EventWrite,
    options: WriteOptions = {},
  ): Promise<ProviderEvent> {
    const { recurrence, ...body } = toGraphBody(write);
    let request = this.session.api(this.session.eventPath(externalId));
    if (options.etag) request = request.header('If-Match', options.etag);
    const updated = await this.session.call(
      'update event',
      () => request.patch(recurrence ? { ...body, recurrence } : body) as Promise<GraphEvent>,
    );
    const exclusions = exdateLines(write);
    if (exclusions.length > 0) {
      await cancelExcludedOccurrences(this.session, updated, exclusions);
      return this.getEvent(calendarId, externalId);
    }
    return toProviderEvent(updated, await this.session.selfEmail(), write.tandemMeetingId);
  }

  async cancelEvent(
    _calendarId: string,
    externalId: string,
    options: WriteOptions & { comment?: string } = {},
  ): Promise<void> {
    const path = this.session.eventPath(externalId);
    const current = await this.session.call(
      'read event before cancel',
      () => this.session.api(`${path}?$select=id,isOrganizer,attendees`).get() as Promise<GraphEvent>,
    );
    // Checked here as well as by If-Match: Graph's cancel action is not documented to honour it.
    if (options.etag && current['@odata.etag'] && current['@odata.etag'] !== options.etag) {
      throw new ProviderConflictError(
        'Microsoft Graph cancel event: the event changed since it was read',
        412,
      );
    }
    const withEtag = (request: ReturnType<GraphSession['api']>) =>
      options.etag ? request.header('If-Match', options.etag) : request;
    if (current.isOrganizer !== false && (current.attendees?.length ?? 0) > 0) {
      // cancel sends cancellations; DELETE by the organiser would too, but cancel carries the comment.
      await this.session.call('cancel event', () =>
        withEtag(this.session.api(`${path}/cancel`)).post({ comment: options.comment ?? '' }),
      );
      return;
    }
    await this.session.call('delete event', () => withEtag(this.session.api(path)).delete());
  }

  async respondToEvent(
    _calendarId: string,
    externalId: string,
    response: 'accepted' | 'declined' | 'tentative',
    options: { comment?: string } = {},
  ): Promise<void> {
    const action =
      response === 'accepted' ? 'accept' : response === 'declined' ? 'decline' : 'tentativelyAccept';
    await this.session.call(`${action} event`, () =>
      this.session
        .api(`${this.session.eventPath(externalId)}/${action}`)
        .post({ comment: options.comment ?? '', sendResponse: true }),
    );
  }

  freeBusy(accounts: string[], window: TimeWindow): Promise<Map<string, FreeBusyResult>> {
    return readFreeBusy(this.session, this.options.accountKind, accounts, window);
  }

  watch(calendarId: string, request: WatchRequest): Promise<PushChannel> {
    return startSubscription(this.session, calendarId, request);
  }

  renewWatch(calendarId: string, channel: PushChannel, request: WatchRequest): Promise<PushChannel> {
    return renewSubscription(this.session, calendarId, channel, request);
  }

  stopWatch(channel: PushChannel): Promise<void> {
    return stopSubscription(this.session, channel);
  }
}
