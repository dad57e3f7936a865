import type { ConnectionProvider, DeliveryMethod } from '@/server/db/schema';

/**
 * Who delivers a meeting to whom (DESIGN.md §4 rule 3), decided from each person's write-target
 * calendar alone, without touching a provider: plain data in, plain data out.
 *
 * - An organiser with a calendar whose server schedules (Google, Graph, iCloud) has the copy written
 *   there with every attendee listed by calendar address, and that provider invites them: directly
 *   when it hosts them, by its own iMIP email otherwise (`organizer_provider`).
 * - An organiser without a calendar, or on CalDAV that does not schedule, leaves Tandem as the
 *   organiser of record: Tandem emails the iMIP REQUEST itself (`tandem_email`), from its own
 *   reply address, so answers come back to Tandem.
 * - An attendee on CalDAV that does not schedule cannot take an invitation by email into their
 *   calendar: Tandem places the copy there (`tandem_copy`), same UID, the attendee NEEDS-ACTION.
 * - Members without a calendar and outside guests also get the Accept / Tentative / Decline links
 *   (a plain email when a provider invites them; inside Tandem's own iMIP email otherwise).
 */

export interface CalendarTarget {
  calendarId: string;
  connectionId: string;
  provider: ConnectionProvider;
  /** The connected account's address: the person's calendar address. */
  accountEmail: string;
  /** The server sends invitations and applies replies itself (RFC 6638, Google, Graph). */
  serverScheduling: boolean;
  /**
   * The connection needs reconnecting. Kept for the organiser only, so the meeting's plan stays
   * as it was (their provider invites, once they reconnect) instead of Tandem taking over as
   * organiser of record; attendees in that state are reached by email meanwhile.
   */
  needsReconnect?: boolean;
}

export interface PersonForDelivery {
  /** Null for an outside guest. */
  userId: string | null;
  name: string | null;
  /** Their Tandem sign-in email, or an outside guest's address. */
  email: string;
  /** A usable write-target calendar (connection not needing reauth, calendar writable); else null. */
  writeTarget: CalendarTarget | null;
}

export interface AttendeeForDelivery extends PersonForDelivery {
  attendeeId: string;
}

export interface AttendeeDelivery {
  attendeeId: string;
  /** Where the invitation goes: the write-target account, else their own email. */
  address: string;
  method: DeliveryMethod;
  /** `tandem_copy`: the attendee's calendar Tandem writes the copy to. */
  copyTarget: CalendarTarget | null;
  /** Tandem sends the iMIP REQUEST / CANCEL to `address` itself. */
  tandemSendsItip: boolean;
  /** Accept / Tentative / Decline links reach this person by email. */
  answerLinks: boolean;
}

export interface DeliveryPlan {
  /** The organiser's write target and how it is written, or null when they have none. */
  organizerCopy: { target: CalendarTarget; notifyAttendees: boolean } | null;
  /** `provider`: the organiser's calendar invites; `tandem`: Tandem does (ORGANIZER = its reply address). */
  organizerOfRecord: 'provider' | 'tandem';
  /** The organiser's calendar address. */
  organizerAddress: string;
  attendees: AttendeeDelivery[];
}

/** The person's calendar address (DESIGN.md §4 rule 3). */
export function calendarAddressOf(person: PersonForDelivery): string {
  return (person.writeTarget?.accountEmail ?? person.email).toLowerCase();
}

/** What the provider registry builds: iCloud schedules (RFC 6638), plain CalDAV servers here do not. */
export function providerSchedules(provider: ConnectionProvider): boolean {
  return provider !== 'caldav';
}

export function decideDelivery(organizer: PersonForDelivery, attendees: AttendeeForDelivery[]): DeliveryPlan {
  const target = organizer.writeTarget;
  const providerInvites = target !== null && target.serverScheduling;
  const attendeesOut = attendees.map((attendee): AttendeeDelivery => {
    const own = attendee.writeTarget;
    const address = calendarAddressOf(attendee);
    const answerLinks = own === null;
    if (own && !own.serverScheduling) {
      // Nobody's email would put it in their calendar: Tandem places it.
      return {
        attendeeId: attendee.attendeeId,
        address,
        method: 'tandem_copy',
        copyTarget: own,
        tandemSendsItip: false,
        answerLinks,
      };
    }
    if (providerInvites) {
      return {
        attendeeId: attendee.attendeeId,
        address,
        method: 'organizer_provider',
        copyTarget: null,
        tandemSendsItip: false,
        answerLinks,
      };
    }
    return {
      attendeeId: attendee.attendeeId,
      address,
      method: 'tandem_email',
      copyTarget: null,
      tandemSendsItip: true,
      answerLinks,
    };
  });
  return {
    // A non-scheduling organiser calendar still gets its copy; it just invites nobody.
    organizerCopy: target ? { target, notifyAttendees: providerInvites } : null,
    organizerOfRecord: providerInvites ? 'provider' : 'tandem',
    organizerAddress: calendarAddressOf(organizer),
    attendees: attendeesOut,
  };
}
