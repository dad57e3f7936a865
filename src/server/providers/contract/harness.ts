import type { CalendarProvider, ProviderEvent } from '../types';

/**
 * What the shared contract suite (./suite.ts) needs from one provider's test set-up.
 * Google and Microsoft harnesses run against the emulators, CalDAV against a real Radicale and a real Xandikos.
 */
export interface ContractHarness {
  /** The organiser's account: events are created here. */
  organizer: ContractAccount;
  /** A second account of the same provider, invited to the organiser's events. */
  attendee: ContractAccount;
  /** Whether the server delivers invitations and replies itself (Google, Graph: yes; Radicale: no). */
  deliversInvitations: boolean;
  /** Make the provider refuse the next incremental cursor as expired (410, 403 valid-sync-token, Xandikos' 500). */
  expireCursors(): Promise<void>;
  /** Page size the provider uses for list/delta calls, so the suite can create enough events to page. */
  pageSize: number;
  close(): Promise<void>;
  /**
   * Optional, for providers that do not deliver invitations (`deliversInvitations: false`):
   * put a copy of the organiser's event into the attendee's calendar, as an emailed invitation
   * imported by the attendee would, and return the copy's externalId. Lets the suite check
   * `respondToEvent` on the attendee's own copy where the server has no scheduling.
   */
  copyToAttendee?(organizerEvent: ProviderEvent): Promise<string>;
}

export interface ContractAccount {
  provider: CalendarProvider;
  email: string;
  /** The calendar the suite writes to and reads from. */
  calendarId: string;
}
