import { describe, expect, it } from 'vitest';
import type { ConnectionProvider } from '@/server/db/schema';
import {
  calendarAddressOf,
  decideDelivery,
  providerSchedules,
  type AttendeeForDelivery,
  type CalendarTarget,
  type PersonForDelivery,
} from './decide';

type Calendar = ConnectionProvider | 'none' | 'guest';

function target(provider: ConnectionProvider, email: string): CalendarTarget {
  return {
    calendarId: `${provider}-calendar`,
    connectionId: `${provider}-connection`,
    provider,
    accountEmail: email,
    serverScheduling: providerSchedules(provider),
  };
}

const organizerOn = (calendar: ConnectionProvider | 'none'): PersonForDelivery => ({
  userId: 'tutor',
  name: 'Priya Shah',
  email: 'tutor1@northbridge.test',
  writeTarget: calendar === 'none' ? null : target(calendar, 'Priya.Shah@Calendar.test'),
});

const attendeeOn = (calendar: Calendar): AttendeeForDelivery => ({
  attendeeId: `attendee-${calendar}`,
  userId: calendar === 'guest' ? null : 'learner',
  name: calendar === 'guest' ? 'Morgan Lee' : 'Sam Taylor',
  email: calendar === 'guest' ? 'morgan.lee@brightworks.test' : 'learner1@northbridge.test',
  writeTarget: calendar === 'none' || calendar === 'guest' ? null : target(calendar, `sam@${calendar}.test`),
});

const ORGANIZERS = ['google', 'microsoft', 'icloud', 'caldav', 'ews', 'none'] as const;
const ATTENDEES = ['google', 'microsoft', 'icloud', 'caldav', 'ews', 'none', 'guest'] as const;

/** The table in DESIGN.md §4 rule 3, written out: organiser → attendee → [method, Tandem emails iMIP, links]. */
const EXPECTED: Record<(typeof ORGANIZERS)[number], Record<Calendar, [string, boolean, boolean]>> = {
  google: {
    google: ['organizer_provider', false, false],
    microsoft: ['organizer_provider', false, false],
    icloud: ['organizer_provider', false, false],
    caldav: ['tandem_copy', false, false],
    ews: ['organizer_provider', false, false],
    none: ['organizer_provider', false, true],
    guest: ['organizer_provider', false, true],
  },
  microsoft: {
    google: ['organizer_provider', false, false],
    microsoft: ['organizer_provider', false, false],
    icloud: ['organizer_provider', false, false],
    caldav: ['tandem_copy', false, false],
    ews: ['organizer_provider', false, false],
    none: ['organizer_provider', false, true],
    guest: ['organizer_provider', false, true],
  },
  icloud: {
    google: ['organizer_provider', false, false],
    microsoft: ['organizer_provider', false, false],
    icloud: ['organizer_provider', false, false],
    caldav: ['tandem_copy', false, false],
    ews: ['organizer_provider', false, false],
    none: ['organizer_provider', false, true],
    guest: ['organizer_provider', false, true],
  },
  // Exchange Server invites like Google and Microsoft: its own mail, iMIP beyond its mailboxes.
  ews: {
    google: ['organizer_provider', false, false],
    microsoft: ['organizer_provider', false, false],
    icloud: ['organizer_provider', false, false],
    caldav: ['tandem_copy', false, false],
    ews: ['organizer_provider', false, false],
    none: ['organizer_provider', false, true],
    guest: ['organizer_provider', false, true],
  },
  caldav: {
    google: ['tandem_email', true, false],
    microsoft: ['tandem_email', true, false],
    icloud: ['tandem_email', true, false],
    caldav: ['tandem_copy', false, false],
    ews: ['tandem_email', true, false],
    none: ['tandem_email', true, true],
    guest: ['tandem_email', true, true],
  },
  none: {
    google: ['tandem_email', true, false],
    microsoft: ['tandem_email', true, false],
    icloud: ['tandem_email', true, false],
    caldav: ['tandem_copy', false, false],
    ews: ['tandem_email', true, false],
    none: ['tandem_email', true, true],
    guest: ['tandem_email', true, true],
  },
};

describe('decideDelivery', () => {
  for (const organizer of ORGANIZERS) {
    for (const attendee of ATTENDEES) {
      it(`organiser on ${organizer}, attendee on ${attendee}`, () => {
        const plan = decideDelivery(organizerOn(organizer), [attendeeOn(attendee)]);
        const [method, tandemSendsItip, answerLinks] = EXPECTED[organizer][attendee];
        expect(plan.attendees).toEqual([
          {
            attendeeId: `attendee-${attendee}`,
            address: calendarAddressOf(attendeeOn(attendee)),
            method,
            copyTarget: method === 'tandem_copy' ? target('caldav', 'sam@caldav.test') : null,
            tandemSendsItip,
            answerLinks,
          },
        ]);
        const schedules = organizer !== 'none' && organizer !== 'caldav';
        expect(plan.organizerOfRecord).toBe(schedules ? 'provider' : 'tandem');
        expect(plan.organizerCopy).toEqual(
          organizer === 'none'
            ? null
            : { target: target(organizer, 'Priya.Shah@Calendar.test'), notifyAttendees: schedules },
        );
      });
    }
  }

  it('addresses people by their calendar account, else their own email, in lower case', () => {
    const plan = decideDelivery(organizerOn('google'), [
      attendeeOn('microsoft'),
      attendeeOn('guest'),
      attendeeOn('none'),
    ]);
    expect(plan.organizerAddress).toBe('priya.shah@calendar.test');
    expect(plan.attendees.map((attendee) => attendee.address)).toEqual([
      'sam@microsoft.test',
      'morgan.lee@brightworks.test',
      'learner1@northbridge.test',
    ]);
  });
});
