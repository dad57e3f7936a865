/**
 * The CalendarProvider for Google Calendar (googleapis, Calendar API v3), for one connected
 * account. Reads expand series server-side (singleEvents); incremental sync uses sync tokens;
 * writes send If-Match and `sendUpdates`; answers patch the attendee's own copy; push uses
 * watch channels (renewal = a new channel, then stopping the old one, as Google has no renew).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderNotFoundError,
  ProviderUnavailableError,
} from '../errors';
import type {
  AttendeeResponse,
  CalendarProvider,
  ChangesPage,
  CreateOptions,
  EventWrite,
  FreeBusyResult,
  OAuthTokens,
  ProviderCalendar,
  ProviderCapabilities,
  ProviderEvent,
  PushChannel,
  TimeWindow,
  TokensRefreshed,
  WatchRequest,
  WriteOptions,
} from '../types';
import { GoogleAuthSession } from './auth-session';
import { resolveEndpoints, type GoogleClientConfig, type GoogleEndpoints } from './config';
import { ServiceAccountSession, type JwtClient } from './service-account';
import { timeMoves, toChange, toGoogleBody, toProviderEvent } from './event-mapping';
import { type calendar_v3, createCalendarClient } from './sdk';

interface CommonOptions {
  /** maxResults of list calls (Google: default 250, at most 2500). */
  pageSize?: number;
}

/** A member's own OAuth grant, or a Workspace service account acting as the member (delegation). */
export type GoogleProviderOptions = CommonOptions &
  (
    | {
        config: GoogleClientConfig;
        tokens: OAuthTokens;
        onTokensRefreshed?: TokensRefreshed;
        /** Refresh the access token this long before it expires (default 5 minutes). */
        refreshMarginMs?: number;
      }
    | { serviceAccount: JwtClient; endpoints?: Partial<GoogleEndpoints> }
  );

const GOOGLE_RESPONSES: Record<Exclude<AttendeeResponse, 'needs_action'>, string> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'tentative',
};

/** freeBusy accepts at most 50 calendars per query. */
const FREE_BUSY_BATCH = 50;

export function createGoogleProvider(options: GoogleProviderOptions): GoogleCalendarProvider {
  return new GoogleCalendarProvider(options);
}

export class GoogleCalendarProvider implements CalendarProvider {
  readonly kind = 'google' as const;
  readonly capabilities: ProviderCapabilities = {
    push: 'google_channel',
    serverScheduling: true,
    freeBusyQuery: true,
  };
  private readonly session: GoogleAuthSession | ServiceAccountSession;
  private readonly api: calendar_v3.Calendar;
  private readonly pageSize: number;

  constructor(options: GoogleProviderOptions) {
    if ('serviceAccount' in options) {
      this.session = new ServiceAccountSession(options.serviceAccount);
      this.api = createCalendarClient(
        this.session.client,
        resolveEndpoints({ endpoints: options.endpoints }),
      );
    } else {
      this.session = new GoogleAuthSession(
        options.config,
        options.tokens,
        options.onTokensRefreshed,
        options.refreshMarginMs,
      );
      this.api = createCalendarClient(this.session.client, resolveEndpoints(options.config));
    }
    this.pageSize = Math.min(Math.max(options.pageSize ?? 250, 1), 2500);
  }

  async listCalendars(): Promise<ProviderCalendar[]> {
    const calendars: ProviderCalendar[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await this.session.run(() =>
        this.api.calendarList.list({ maxResults: 250, pageToken }),
      );
      for (const entry of data.items ?? []) {
        calendars.push({
          externalId: entry.id ?? '',
          name: entry.summaryOverride ?? entry.summary ?? entry.id ?? '',
          color:
            entry.backgroundColor && /^#[0-9a-f]{6}$/i.test(entry.backgroundColor)
              ? entry.backgroundColor.toLowerCase()
              : null,
          timeZone: entry.timeZone ?? null,
          isPrimary: entry.primary === true,
          canWrite: entry.accessRole === 'owner' || entry.accessRole === 'writer',
        });
      }
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return calendars;
  }

  async readEvents(calendarId: string, window: TimeWindow): Promise<ProviderEvent[]> {
    const events: ProviderEvent[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await this.session.run(() =>
        this.api.events.list({
          calendarId,
          timeMin: window.start.toISOString(),
          timeMax: window.end.toISOString(),
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: this.pageSize,
          pageToken,
        }),
      );
      for (const item of data.items ?? [])
        if (item.status !== 'cancelled') events.push(toProviderEvent(item));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return events;
  }

  async *readChanges(
    calendarId: string,
    cursor: string | null,
    window: TimeWindow,
  ): AsyncIterable<ChangesPage> {
    let pageToken: string | undefined;
    do {
      const params: calendar_v3.Params$Resource$Events$List = cursor
        ? // With a sync token Google refuses timeMin/timeMax/orderBy and implies showDeleted.
          { calendarId, syncToken: cursor, maxResults: this.pageSize, pageToken }
        : {
            calendarId,
            timeMin: window.start.toISOString(),
            timeMax: window.end.toISOString(),
            singleEvents: false,
            maxResults: this.pageSize,
            pageToken,
          };
      const { data } = await this.session.run(() => this.api.events.list(params), {
        withSyncToken: cursor !== null,
      });
      pageToken = data.nextPageToken ?? undefined;
      if (!pageToken && !data.nextSyncToken) {
        throw new ProviderUnavailableError('Google answered the last page of a sync without nextSyncToken');
      }
      yield {
        changes: (data.items ?? []).map(toChange),
        nextCursor: pageToken ? null : (data.nextSyncToken ?? null),
      };
    } while (pageToken);
  }

  async getEvent(calendarId: string, externalId: string): Promise<ProviderEvent> {
    const { data } = await this.session.run(() => this.api.events.get({ calendarId, eventId: externalId }));
    return toProviderEvent(data);
  }

  /**
   * With an idempotency key the event id is chosen by us (derived from the key): a replayed insert
   * gets 409 from Google, and the event the first one made is returned instead of a second one.
   */
  async createEvent(
    calendarId: string,
    event: EventWrite,
    options: CreateOptions = {},
  ): Promise<ProviderEvent> {
    const id = options.idempotencyKey ? googleEventIdFor(options.idempotencyKey) : undefined;
    const requestBody = {
      ...toGoogleBody(event, false),
      ...(id ? { id } : {}),
      ...(event.iCalUid ? { iCalUID: event.iCalUid } : {}),
    };
    try {
      const { data } = await this.session.run(() =>
        this.api.events.insert({
          calendarId,
          sendUpdates: event.notifyAttendees ? 'all' : 'none',
          requestBody,
        }),
      );
      return toProviderEvent(data);
    } catch (error) {
      if (id && error instanceof ProviderConflictError && error.status === 409) {
        return this.getEvent(calendarId, id);
      }
      throw error;
    }
  }

  /**
   * PATCH rather than PUT: fields Tandem does not manage (reminders, colour, conference data, guests'
   * answers, which Google keeps for attendees listed again without a responseStatus) survive.
   * Those Tandem asks to answer again lose theirs when this write moves the event (toGoogleBody):
   * whether it does is read from the event first, only when someone is to answer again, so a
   * write that leaves the time alone (or replays a move already made) keeps every answer given.
   */
  async updateEvent(
    calendarId: string,
    externalId: string,
    event: EventWrite,
    options: WriteOptions = {},
  ): Promise<ProviderEvent> {
    const moves = event.attendees.some((attendee) => attendee.answerAgain)
      ? timeMoves((await this.getEvent(calendarId, externalId)).time, event.time)
      : false;
    const { data } = await this.session.run(() =>
      this.api.events.patch(
        {
          calendarId,
          eventId: externalId,
          sendUpdates: event.notifyAttendees ? 'all' : 'none',
          requestBody: toGoogleBody(event, true, moves),
        },
        ifMatch(options.etag),
      ),
    );
    return toProviderEvent(data);
  }

  async cancelEvent(
    calendarId: string,
    externalId: string,
    options: WriteOptions & { comment?: string } = {},
  ): Promise<void> {
    // Google has no cancellation message; the comment has nowhere to go.
    await this.session.run(() =>
      this.api.events.delete({ calendarId, eventId: externalId, sendUpdates: 'all' }, ifMatch(options.etag)),
    );
  }

  async respondToEvent(
    calendarId: string,
    externalId: string,
    response: Exclude<AttendeeResponse, 'needs_action'>,
    options: { comment?: string } = {},
  ): Promise<void> {
    const { data } = await this.session.run(() => this.api.events.get({ calendarId, eventId: externalId }));
    const attendees = data.attendees ?? [];
    if (!attendees.some((attendee) => attendee.self)) {
      throw new ProviderBadRequestError(`The connected account is not an attendee of event ${externalId}`);
    }
    // The comment belongs to this answer: one given before does not carry over to it.
    const answered = attendees.map(({ comment: previous, ...attendee }) =>
      attendee.self
        ? {
            ...attendee,
            responseStatus: GOOGLE_RESPONSES[response],
            ...(options.comment ? { comment: options.comment } : {}),
          }
        : { ...attendee, ...(previous ? { comment: previous } : {}) },
    );
    await this.session.run(() =>
      this.api.events.patch(
        { calendarId, eventId: externalId, sendUpdates: 'all', requestBody: { attendees: answered } },
        ifMatch(data.etag),
      ),
    );
  }

  async freeBusy(accounts: string[], window: TimeWindow): Promise<Map<string, FreeBusyResult>> {
    const results = new Map<string, FreeBusyResult>();
    for (let index = 0; index < accounts.length; index += FREE_BUSY_BATCH) {
      const batch = accounts.slice(index, index + FREE_BUSY_BATCH);
      const { data } = await this.session.run(() =>
        this.api.freebusy.query({
          requestBody: {
            timeMin: window.start.toISOString(),
            timeMax: window.end.toISOString(),
            items: batch.map((id) => ({ id })),
          },
        }),
      );
      for (const account of batch) {
        const entry = data.calendars?.[account];
        if (!entry) results.set(account, { ok: false, reason: 'not_found' });
        else if (entry.errors && entry.errors.length > 0) {
          results.set(account, {
            ok: false,
            reason: entry.errors[0]?.reason === 'notFound' ? 'not_found' : 'not_available',
          });
        } else {
          results.set(account, {
            ok: true,
            // Google's free/busy says busy or not; tentative and out-of-office are not distinguished.
            busy: (entry.busy ?? []).map((interval) => ({
              start: new Date(interval.start ?? 0),
              end: new Date(interval.end ?? 0),
              showAs: 'busy' as const,
            })),
          });
        }
      }
    }
    return results;
  }

  async watch(calendarId: string, request: WatchRequest): Promise<PushChannel> {
    const { data } = await this.session.run(() =>
      this.api.events.watch({
        calendarId,
        requestBody: {
          id: request.channelId,
          type: 'web_hook',
          address: request.address,
          token: request.token,
          ...(request.ttlSeconds ? { params: { ttl: String(request.ttlSeconds) } } : {}),
        },
      }),
    );
    return {
      channelId: data.id ?? request.channelId,
      resourceId: data.resourceId ?? '',
      expiresAt: new Date(Number(data.expiration ?? 0)),
    };
  }

  /** Google channels cannot be extended: open a new one, then close the old one. */
  async renewWatch(calendarId: string, channel: PushChannel, request: WatchRequest): Promise<PushChannel> {
    const channelId = request.channelId !== channel.channelId ? request.channelId : randomUUID();
    const renewed = await this.watch(calendarId, { ...request, channelId });
    await this.stopWatch(channel);
    return renewed;
  }

  async stopWatch(channel: PushChannel): Promise<void> {
    try {
      await this.session.run(() =>
        this.api.channels.stop({ requestBody: { id: channel.channelId, resourceId: channel.resourceId } }),
      );
    } catch (error) {
      // Already stopped or expired: the goal is reached.
      if (!(error instanceof ProviderNotFoundError)) throw error;
    }
  }
}

/**
 * A client-chosen Google event id for an idempotency key: base32hex (Google allows a–v, 0–9, 5 to
 * 1024 characters), and lowercase hex is a subset of it. Hashed so that any key fits.
 */
export function googleEventIdFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
}

function ifMatch(etag: string | null | undefined): { headers: Record<string, string> } | undefined {
  return etag ? { headers: { 'If-Match': etag } } : undefined;
}
