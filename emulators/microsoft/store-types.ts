/** The emulator's in-memory records. Wire shapes live in event-json.ts; these are internal. */

export type AccountKind = 'work' | 'personal';

export interface WorkingHours {
  daysOfWeek: string[];
  /** `HH:mm` in the account's zone. */
  startTime: string;
  endTime: string;
}

export interface AccountRecord {
  /** Graph user id (a GUID). */
  id: string;
  email: string;
  displayName: string;
  kind: AccountKind;
  tenantId: string;
  timeZone: string;
  workingHours: WorkingHours;
  /** Sign-in blocked by the directory (Graph `accountEnabled: false`); absent: enabled. */
  accountEnabled?: boolean;
  /** False: a directory user without an Exchange Online mailbox (no licence); absent: has one. */
  hasMailbox?: boolean;
  /** May grant admin consent for the tenant (Global / Privileged Role Administrator). */
  isAdmin?: boolean;
}

export interface CalendarRecord {
  id: string;
  ownerId: string;
  name: string;
  /** Graph's named colour (`auto`, `lightBlue`, …) and the hex it maps to. */
  color: string;
  hexColor: string;
  isDefault: boolean;
  canEdit: boolean;
}

export type ResponseKind =
  'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';
export type ShowAsKind = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type AttendeeType = 'required' | 'optional' | 'resource';

export interface AttendeeRecord {
  email: string;
  name: string;
  type: AttendeeType;
  response: ResponseKind;
  time: string;
  /** The other time this attendee proposed with their last answer (tentative or decline), as UTC instants. */
  proposedNewTime?: { startUtc: string; endUtc: string };
}

/** Times as authored: instants for timed events, floating dates for all-day ones. */
export type EventTimeRecord =
  | { kind: 'timed'; startUtc: string; endUtc: string; startZone: string; endZone: string }
  | { kind: 'allDay'; startDate: string; endDate: string; zone: string };

export interface RecurrencePattern {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  daysOfWeek: string[];
  dayOfMonth: number;
  month: number;
  firstDayOfWeek: string;
  index: 'first' | 'second' | 'third' | 'fourth' | 'last';
}

export interface RecurrenceRange {
  type: 'endDate' | 'noEnd' | 'numbered';
  startDate: string;
  endDate: string;
  numberOfOccurrences: number;
  recurrenceTimeZone: string;
}

export interface RecurrenceRecord {
  pattern: RecurrencePattern;
  range: RecurrenceRange;
}

/** The fields a single event, a series master and an exception share. */
export interface EventContent {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  location: string;
  /** location.locationUri: a link for the place (Tandem puts online meeting links here). */
  locationUri: string;
  isOnlineMeeting: boolean;
  onlineMeetingUrl: string | null;
  showAs: ShowAsKind;
  time: EventTimeRecord;
  isCancelled: boolean;
  attendees: AttendeeRecord[];
  responseStatus: { response: ResponseKind; time: string };
}

/** A modified occurrence of a series, keyed on the master by its original start. */
export interface ExceptionRecord extends EventContent {
  id: string;
  changeKey: string;
  lastModified: string;
  originalStartUtc: string;
}

export interface EventRecord extends EventContent {
  id: string;
  calendarId: string;
  ownerId: string;
  iCalUId: string;
  changeKey: string;
  createdAt: string;
  lastModified: string;
  isOrganizer: boolean;
  organizer: { email: string; name: string };
  transactionId: string | null;
  /** singleValueExtendedProperties by id. */
  extendedProperties: Map<string, string>;
  type: 'singleInstance' | 'seriesMaster';
  recurrence: RecurrenceRecord | null;
  /** Key: original start (UTC ISO for timed series, date for all-day series). */
  exceptions: Map<string, ExceptionRecord>;
  cancelledOccurrences: Set<string>;
  sequence: number;
  /** The SEQUENCE of the last iMIP REQUEST applied to this copy (invitations from outside only). */
  imipSequence?: number;
  /** The organiser's choice; attendees' copies carry it. */
  allowNewTimeProposals: boolean;
}

/** One event as calendarView shows it: a single event, an occurrence or an exception. */
export interface InstanceView {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  master: EventRecord;
  content: EventContent;
  changeKey: string;
  lastModified: string;
  /** Original start key for occurrences and exceptions. */
  originalStartKey: string | null;
}
