/**
 * The Google Calendar v3 resource shapes the emulator stores and serves (the subset Tandem uses,
 * field names exactly as in the API reference), plus the emulator's own bookkeeping around them.
 */

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';
export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface GDateTime {
  /** All-day events: `YYYY-MM-DD`. */
  date?: string;
  /** Timed events: RFC 3339 with an offset. */
  dateTime?: string;
  timeZone?: string;
}

export interface GAttendee {
  email: string;
  displayName?: string;
  responseStatus: ResponseStatus;
  optional?: boolean;
  organizer?: boolean;
  resource?: boolean;
  comment?: string;
  additionalGuests?: number;
}

export interface GPerson {
  email: string;
  displayName?: string;
}

/** An event as stored for one calendar (each attendee's copy is its own stored event). */
export interface GEvent {
  id: string;
  status: EventStatus;
  summary?: string;
  description?: string;
  location?: string;
  colorId?: string;
  start: GDateTime;
  end: GDateTime;
  endTimeUnspecified?: boolean;
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: GDateTime;
  transparency?: 'opaque' | 'transparent';
  visibility?: 'default' | 'public' | 'private' | 'confidential';
  iCalUID: string;
  sequence: number;
  attendees?: GAttendee[];
  organizer: GPerson;
  creator: GPerson;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  hangoutLink?: string;
  conferenceData?: unknown;
  reminders?: { useDefault: boolean; overrides?: { method: string; minutes: number }[] };
  guestsCanModify?: boolean;
  guestsCanInviteOthers?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  source?: { url: string; title?: string };
  eventType?: string;
  created: string;
  updated: string;
  etag: string;
}

export interface StoredEvent {
  resource: GEvent;
  /** Position in the store's change log: sync tokens are "changes after seq N". */
  seq: number;
}

export interface CalendarState {
  id: string;
  ownerEmail: string;
  summary: string;
  timeZone: string;
  backgroundColor: string;
  foregroundColor: string;
  colorId: string;
  primary: boolean;
  /** Stable opaque id of this calendar's events collection, as watch channels report it. */
  resourceId: string;
  events: Map<string, StoredEvent>;
}

export interface Account {
  email: string;
  name: string;
  timeZone: string;
  calendars: CalendarState[];
}

/** A notification email the emulator would have sent (sendUpdates), kept for tests to read. */
export interface OutboxMessage {
  kind: 'invitation' | 'update' | 'cancellation' | 'reply';
  from: string;
  to: string;
  eventId: string;
  iCalUID: string;
  summary: string | undefined;
  at: string;
  /** The recipient is not an account of this emulator: the message leaves as iMIP email. */
  external: boolean;
  /** The iMIP message sent over SMTP to an external recipient (absent for Google's own accounts). */
  imip?: { method: 'REQUEST' | 'REPLY' | 'CANCEL' | 'COUNTER'; ics: string; subject: string; text: string };
}
