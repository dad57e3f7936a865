/**
 * The one interface every calendar provider adapter implements (DESIGN.md §2).
 * Adapters translate between a provider's wire shapes and these normalised shapes; nothing
 * outside `src/server/providers/<name>/` knows a provider's field names.
 */

export type ProviderKind = 'google' | 'microsoft' | 'caldav' | 'icloud' | 'ews';

export interface ProviderCalendar {
  externalId: string;
  name: string;
  /** `#rrggbb` when the provider has a colour for the calendar. */
  color: string | null;
  timeZone: string | null;
  isPrimary: boolean;
  canWrite: boolean;
}

/** Timed events are instants (UTC) plus the zone they were authored in; all-day events are dates. */
export type EventTime =
  | { kind: 'timed'; start: Date; end: Date; timeZone: string | null }
  /** `endDate` is exclusive, as in Google, Graph and iCalendar. Dates are `YYYY-MM-DD`. */
  | { kind: 'allDay'; startDate: string; endDate: string };

export type AttendeeResponse = 'needs_action' | 'accepted' | 'declined' | 'tentative';

export interface ProviderAttendee {
  email: string;
  name: string | null;
  response: AttendeeResponse;
  isOrganizer: boolean;
  isOptional: boolean;
  /** True on the attendee entry that is the connected account itself. */
  isSelf: boolean;
  /** The comment sent with the answer, where the provider keeps one (Google `comment`, iCalendar COMMENT). */
  comment?: string | null;
  /** When the attendee answered, where the provider says (Graph `status.time`). */
  respondedAt?: Date | null;
  /** A counter-proposal (Graph `proposedNewTime`, iMIP COUNTER). */
  proposedTime?: { start: Date; end: Date } | null;
}

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'working_elsewhere' | 'unknown';

export interface ProviderEvent {
  externalId: string;
  iCalUid: string | null;
  /** Google etag, Graph changeKey / @odata.etag, CalDAV ETag: sent back as If-Match on writes. */
  etag: string | null;
  status: 'confirmed' | 'tentative' | 'cancelled';
  title: string | null;
  description: string | null;
  location: string | null;
  onlineUrl: string | null;
  time: EventTime;
  /** iCalendar lines (`RRULE:…`, `EXDATE…`, `RDATE…`) on a series master; null otherwise. */
  recurrence: string[] | null;
  /** For an instance or exception of a series: the external id of the series master. */
  seriesExternalId: string | null;
  /** For an instance or exception: the start the instance had in the series (RECURRENCE-ID). */
  originalStart: EventTime | null;
  transparency: 'opaque' | 'transparent';
  showAs: ShowAs;
  organizer: { email: string; name: string | null } | null;
  attendees: ProviderAttendee[];
  sequence: number | null;
  updatedAt: Date | null;
  /** Our own tag (Google extendedProperties.private, Graph extended property, X-TANDEM-MEETING-ID). */
  tandemMeetingId: string | null;
}

export type EventChange =
  | {
      type: 'upsert';
      event: ProviderEvent;
      /**
       * On a series master: the same page carries every exception the series has (CalDAV: one
       * calendar object, read whole), so an exception the mirror holds beyond them is gone.
       */
      wholeSeries?: boolean;
    }
  | {
      type: 'removed';
      externalId: string;
      /**
       * The provider says only "removed", also of one instance of a series that is still there
       * (Graph's delta: a deleted exception is a removed id, and the master may not come again).
       * Such an instance was cancelled: the mirror keeps it as a cancelled exception, as Google
       * reports one; anything else removed goes.
       */
      instanceMeansCancelled?: boolean;
    };

export interface ChangesPage {
  changes: EventChange[];
  /** Set on the last page only: the cursor to pass next time (sync token, delta link, sync-token). */
  nextCursor: string | null;
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface EventWrite {
  title: string;
  description: string | null;
  location: string | null;
  onlineUrl: string | null;
  time: EventTime;
  recurrence: string[] | null;
  /** `response` is written only where Tandem places a copy itself (CalDAV); providers keep their own. */
  attendees: {
    email: string;
    name: string | null;
    isOptional: boolean;
    response?: AttendeeResponse;
    /**
     * Tandem asks them to answer again: the meeting moved and they have not answered its new time.
     * A provider that keeps answers through an organiser's update (Google) resets theirs to needs
     * action when this write moves the event, so its copy agrees with Tandem ("a move asks
     * everyone to answer again") and no answer to the old time is read back as one to the new.
     */
    answerAgain?: boolean;
  }[];
  tandemMeetingId: string | null;
  /**
   * The iCalendar UID to give the event where the provider lets the client choose (CalDAV, Google
   * insert): the meeting's UID, so every copy matches. Graph assigns its own.
   */
  iCalUid?: string | null;
  /** The organiser, for a copy Tandem places in an attendee's calendar (CalDAV); else the account itself. */
  organizer?: { email: string; name: string | null } | null;
  /** RFC 5545 SEQUENCE, where the client sets it (CalDAV). */
  sequence?: number;
  /** Ask the provider to send invitations / updates / cancellations to attendees. */
  notifyAttendees: boolean;
}

export interface CreateOptions {
  /**
   * The same key for the same meeting copy: a create replayed after a timeout or a job retry
   * returns the first event instead of making a second (Google client-chosen id, Graph
   * `transactionId`, CalDAV resource name with If-None-Match).
   */
  idempotencyKey?: string;
}

export interface WriteOptions {
  /** The etag we last saw; the provider answers 412 (→ ProviderConflictError) when it changed. */
  etag?: string | null;
}

export interface BusyInterval {
  start: Date;
  end: Date;
  showAs: ShowAs;
}

export type FreeBusyResult =
  { ok: true; busy: BusyInterval[] } | { ok: false; reason: 'not_found' | 'not_available' };

export interface PushChannel {
  channelId: string;
  /** Google resourceId; Graph subscription id repeats channelId. */
  resourceId: string;
  expiresAt: Date;
}

export interface WatchRequest {
  /** The app's webhook URL (https in production). */
  address: string;
  /** Secret echoed back on each notification (Google channel token, Graph clientState). */
  token: string;
  /** Our chosen channel id (Google); Graph assigns its own. */
  channelId: string;
  ttlSeconds?: number;
}

export interface ProviderCapabilities {
  /** How the provider tells us about changes: Google channels, Graph subscriptions, or polling. */
  push: 'google_channel' | 'graph_subscription' | null;
  /** The server sends invitations and reflects replies itself (Google, Graph, RFC 6638 CalDAV). */
  serverScheduling: boolean;
  /** The provider answers free/busy queries for other accounts. */
  freeBusyQuery: boolean;
}

export interface CalendarProvider {
  readonly kind: ProviderKind;
  readonly capabilities: ProviderCapabilities;

  listCalendars(): Promise<ProviderCalendar[]>;

  /** Events overlapping the window; recurring series expanded into instances. */
  readEvents(calendarId: string, window: TimeWindow): Promise<ProviderEvent[]>;

  /**
   * Changes since `cursor`, page by page, so callers can stream large imports.
   * `cursor === null` starts a full sync of `window` (series masters, not expanded).
   * Throws `CursorExpiredError` when the provider no longer accepts the cursor.
   */
  readChanges(calendarId: string, cursor: string | null, window: TimeWindow): AsyncIterable<ChangesPage>;

  /**
   * Optional, for providers whose servers may never report a lost cursor (CalDAV): compares the
   * events the mirror holds (`known`: externalId → etag) with an etag listing of `window`, and
   * pages the changes that make the mirror equal to the server: events missing or changed are
   * upserted (refetched), events gone are removed.
   */
  reconcile?(
    calendarId: string,
    window: TimeWindow,
    known: Map<string, string | null>,
  ): AsyncIterable<EventChange[]>;

  getEvent(calendarId: string, externalId: string): Promise<ProviderEvent>;
  createEvent(calendarId: string, event: EventWrite, options?: CreateOptions): Promise<ProviderEvent>;
  updateEvent(
    calendarId: string,
    externalId: string,
    event: EventWrite,
    options?: WriteOptions,
  ): Promise<ProviderEvent>;
  /** As organiser: cancels the event and, where the provider does, notifies attendees. */
  cancelEvent(
    calendarId: string,
    externalId: string,
    options?: WriteOptions & { comment?: string },
  ): Promise<void>;
  /** As attendee: answers an invitation on the attendee's own copy. */
  respondToEvent(
    calendarId: string,
    externalId: string,
    response: Exclude<AttendeeResponse, 'needs_action'>,
    options?: { comment?: string },
  ): Promise<void>;

  /** Free/busy by account email (or calendar id), for the window. */
  freeBusy(accounts: string[], window: TimeWindow): Promise<Map<string, FreeBusyResult>>;

  /** Push notifications; adapters without push (`capabilities.push === null`) throw. */
  watch(calendarId: string, request: WatchRequest): Promise<PushChannel>;
  renewWatch(calendarId: string, channel: PushChannel, request: WatchRequest): Promise<PushChannel>;
  stopWatch(channel: PushChannel): Promise<void>;
}

/** OAuth tokens as stored (encrypted) for a connection. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token stops working. */
  expiresAt: Date;
  scope: string | null;
}

/** Called whenever an adapter refreshes tokens, so the caller can persist them. */
export type TokensRefreshed = (tokens: OAuthTokens) => Promise<void>;

/** Microsoft tells work or school accounts from personal (Outlook.com) ones; the others do not. */
export type AccountKind = 'work' | 'personal';

/** Who signed in at the provider's consent page, and the tokens to act as them. */
export interface OAuthAccount {
  tokens: OAuthTokens;
  /** The account's address; empty when the provider did not say. */
  email: string;
  displayName: string | null;
  /** Stored with the credentials where the provider distinguishes kinds of account; null elsewhere. */
  accountKind: AccountKind | null;
}

export interface OAuthAuthorizationRequest {
  /** Send the user's browser here. */
  url: string;
  /** Keep server-side and compare on the callback. */
  state: string;
  /** The PKCE (S256) verifier; keep server-side for the code exchange. */
  codeVerifier: string;
}

/**
 * Tandem registered as an OAuth app with one provider: the consent URL (code flow with PKCE), the
 * code exchange, refresh and revocation. Each adapter with OAuth implements it in its `oauth.ts`,
 * so nothing outside `providers/<name>/` knows the provider's endpoints or profile fields.
 */
export interface OAuthApp {
  authorizationRequest(options: { loginHint?: string }): Promise<OAuthAuthorizationRequest>;
  /** `accountKind` is what the user asked for at the start (Microsoft: personal or work). */
  exchangeCode(params: {
    code: string;
    codeVerifier: string;
    accountKind?: AccountKind;
  }): Promise<OAuthAccount>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  /** Ends the grant behind the token; an already revoked one is not an error. */
  revoke(token: string): Promise<void>;
}

/** A person of an organisation's directory (Graph `/users`, Google Admin SDK `users.list`), for bulk add. */
export interface DirectoryUser {
  /** The address Tandem matches members on, lower-cased. */
  email: string;
  /** False: no mailbox / calendar service for this user (Graph: no `mail`; Google: `isMailboxSetup` false). */
  hasMailbox: boolean;
  suspended: boolean;
}
