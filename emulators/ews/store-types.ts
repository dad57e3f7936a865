import type { RecurrenceRecord } from '../microsoft/store-types';

/**
 * The EWS emulator's state: mailboxes with one calendar folder each, calendar items as Exchange
 * keeps them (a recurring master holds its modified and deleted occurrences), and a version
 * counter from which SyncFolderItems computes what changed since a SyncState.
 */

/** EWS ResponseTypeType. */
export type ResponseType =
  'Unknown' | 'Organizer' | 'Tentative' | 'Accept' | 'Decline' | 'NoResponseReceived';

/** EWS LegacyFreeBusyType. */
export type FreeBusyStatus = 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';

export interface Person {
  email: string;
  name: string;
}

export interface AttendeeRecord extends Person {
  optional: boolean;
  response: ResponseType;
  lastResponseTime: Date | null;
  /**
   * A new time this attendee proposed (an iMIP COUNTER): EWS Attendee `ProposedStart` /
   * `ProposedEnd` (Exchange 2013 SP1), MAPI PidTagRecipientProposedStartTime / EndTime. Cleared by
   * their next plain answer and by a full update.
   */
  proposed?: { start: Date; end: Date } | null;
}

/** The fields an exception may change on its occurrence. */
export interface OccurrenceOverride {
  start: Date;
  end: Date;
  subject: string;
  location: string;
  body: string;
  changeKey: string;
  lastModified: Date;
  /**
   * An answer given to this occurrence alone: on the attendee's copy their own response; on the
   * organiser's item the exception's recipient rows carrying it (MS-OXOCAL: the organiser's
   * exception records an exceptional response, PidTagRecipientFlags recipExceptionalResponse).
   * Absent: the series' own.
   */
  myResponse?: ResponseType;
  attendees?: AttendeeRecord[];
}

export interface CalendarItemRecord {
  id: string;
  changeKey: string;
  mailbox: string;
  uid: string;
  subject: string;
  body: string;
  bodyType: 'Text' | 'HTML';
  location: string;
  start: Date;
  end: Date;
  isAllDay: boolean;
  /** Windows zone id (`GMT Standard Time`), as EWS StartTimeZone carries it. */
  timeZone: string;
  recurrence: RecurrenceRecord | null;
  /** Key: the occurrence's original start, UTC ISO. */
  modified: Map<string, OccurrenceOverride>;
  deleted: Set<string>;
  organizer: Person;
  attendees: AttendeeRecord[];
  myResponse: ResponseType;
  isMeeting: boolean;
  isCancelled: boolean;
  freeBusy: FreeBusyStatus;
  /** PublicStrings named properties set by the client (`TandemMeetingId` …). */
  extended: Map<string, string>;
  sequence: number;
  created: Date;
  lastModified: Date;
  /** Store versions: when the item was created and last changed, for SyncFolderItems. */
  createdVersion: number;
  version: number;
}

export interface Tombstone {
  id: string;
  createdVersion: number;
  version: number;
}

export interface MailboxRecord extends Person {
  password: string;
  timeZone: string;
  calendarFolderId: string;
  items: Map<string, CalendarItemRecord>;
  tombstones: Tombstone[];
  /** Holds the ApplicationImpersonation role for mailboxes of these domains (a service account). */
  impersonates: string[];
}
