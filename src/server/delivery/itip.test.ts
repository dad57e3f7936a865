import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildItipCalendar, type ItipInput } from './itip';

const meeting: ItipInput['meeting'] = {
  id: '6f1c1d9e-8f43-4a52-9b7e-0c6d2b1f4a11',
  icalUid: 'abc@tandem',
  sequence: 2,
  title: 'Portfolio review',
  description: 'Bring your work',
  location: 'Room 4',
  onlineUrl: 'https://meet.example.test/abc',
  startsAt: new Date('2026-07-01T09:00:00Z'),
  endsAt: new Date('2026-07-01T10:00:00Z'),
  timeZone: 'Europe/London',
  recurrence: null,
};
const organizer = { email: 'meetings@replies.tandem.test', name: 'Priya Shah' };
const sam = {
  email: 'sam.taylor@gmail.test',
  name: 'Sam Taylor',
  response: 'accepted' as const,
  isOptional: false,
};
const aisha = {
  email: 'aisha.khan@outlook.test',
  name: null,
  response: 'needs_action' as const,
  isOptional: true,
};

function parse(ics: string) {
  const vcalendar = new ICAL.Component(ICAL.parse(ics));
  return { vcalendar, vevent: vcalendar.getFirstSubcomponent('vevent') };
}

describe('buildItipCalendar', () => {
  it('a REQUEST: METHOD, UID, SEQUENCE, local times with their VTIMEZONE, everyone needs action', () => {
    const { vcalendar, vevent } = parse(
      buildItipCalendar({ method: 'REQUEST', meeting, organizer, attendees: [sam, aisha] }),
    );
    expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(vevent?.getFirstPropertyValue('uid')).toBe('abc@tandem');
    expect(vevent?.getFirstPropertyValue('sequence')).toBe(2);
    const start = vevent?.getFirstProperty('dtstart');
    expect(start?.getParameter('tzid')).toBe('Europe/London');
    // 09:00 UTC is 10:00 in London in July (BST).
    expect(String(start?.getFirstValue())).toBe('2026-07-01T10:00:00');
    expect(vcalendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/London');
    const organizerProperty = vevent?.getFirstProperty('organizer');
    expect(organizerProperty?.getFirstValue()).toBe('mailto:meetings@replies.tandem.test');
    expect(organizerProperty?.getParameter('cn')).toBe('Priya Shah');
    const attendees = vevent?.getAllProperties('attendee') ?? [];
    expect(attendees.map((property) => property.getFirstValue())).toEqual([
      'mailto:sam.taylor@gmail.test',
      'mailto:aisha.khan@outlook.test',
    ]);
    expect(attendees.map((property) => property.getParameter('partstat'))).toEqual([
      'NEEDS-ACTION',
      'NEEDS-ACTION',
    ]);
    expect(attendees.map((property) => property.getParameter('role'))).toEqual([
      'REQ-PARTICIPANT',
      'OPT-PARTICIPANT',
    ]);
    expect(attendees.every((property) => property.getParameter('rsvp') === 'TRUE')).toBe(true);
    expect(vevent?.getFirstPropertyValue('url')).toBe('https://meet.example.test/abc');
  });

  it('a CANCEL: STATUS:CANCELLED, the same UID', () => {
    const { vcalendar, vevent } = parse(
      buildItipCalendar({ method: 'CANCEL', meeting, organizer, attendees: [aisha] }),
    );
    expect(vcalendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent?.getFirstPropertyValue('uid')).toBe('abc@tandem');
  });

  it('a REPLY lists only the one answering, with their PARTSTAT and comment', () => {
    const { vevent } = parse(
      buildItipCalendar({
        method: 'REPLY',
        meeting,
        organizer,
        attendees: [sam, aisha],
        replyingAttendee: { ...sam, comment: 'See you there' },
      }),
    );
    const attendees = vevent?.getAllProperties('attendee') ?? [];
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.getParameter('partstat')).toBe('ACCEPTED');
    expect(vevent?.getFirstPropertyValue('comment')).toBe('See you there');
  });

  it('a zone without a VTIMEZONE falls back to UTC times', () => {
    const { vcalendar, vevent } = parse(
      buildItipCalendar({
        method: 'REQUEST',
        meeting: { ...meeting, timeZone: 'UTC' },
        organizer,
        attendees: [sam],
      }),
    );
    expect(vcalendar.getFirstSubcomponent('vtimezone')).toBeNull();
    expect(String(vevent?.getFirstPropertyValue('dtstart'))).toBe('2026-07-01T09:00:00Z');
  });

  it('one occurrence: RECURRENCE-ID in the meeting’s zone, its own SEQUENCE, no RRULE', () => {
    const { vcalendar, vevent } = parse(
      buildItipCalendar({
        method: 'CANCEL',
        meeting: { ...meeting, sequence: 4, recurrence: null },
        organizer,
        attendees: [sam],
        recurrenceId: new Date('2026-07-08T09:00:00Z'),
      }),
    );
    expect(vcalendar.getFirstPropertyValue('method')).toBe('CANCEL');
    const recurrenceId = vevent?.getFirstProperty('recurrence-id');
    expect(recurrenceId?.getParameter('tzid')).toBe('Europe/London');
    expect(String(recurrenceId?.getFirstValue())).toBe('2026-07-08T10:00:00');
    expect(vevent?.getFirstPropertyValue('sequence')).toBe(4);
    expect(vevent?.getFirstPropertyValue('rrule')).toBeNull();
    expect(vevent?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('a series REQUEST carries cancelled occurrences as EXDATEs and moved ones as VEVENTs of their own', () => {
    const { vcalendar } = parse(
      buildItipCalendar({
        method: 'REQUEST',
        meeting: { ...meeting, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'] },
        organizer,
        attendees: [sam],
        exceptions: [
          {
            originalStartsAt: new Date('2026-07-08T09:00:00Z'),
            cancelled: true,
            sequence: 1,
            title: meeting.title,
            description: null,
            location: null,
            startsAt: new Date('2026-07-08T09:00:00Z'),
            endsAt: new Date('2026-07-08T10:00:00Z'),
          },
          {
            originalStartsAt: new Date('2026-07-15T09:00:00Z'),
            cancelled: false,
            sequence: 3,
            title: 'Portfolio review (moved)',
            description: null,
            location: 'Room 9',
            startsAt: new Date('2026-07-16T13:00:00Z'),
            endsAt: new Date('2026-07-16T14:00:00Z'),
          },
        ],
      }),
    );
    const [master, moved, ...more] = vcalendar.getAllSubcomponents('vevent');
    expect(more).toHaveLength(0);
    expect(String(master?.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=4');
    expect(String(master?.getFirstProperty('exdate')?.getFirstValue())).toBe('2026-07-08T10:00:00');
    expect(master?.getFirstPropertyValue('recurrence-id')).toBeNull();
    expect(String(moved?.getFirstPropertyValue('recurrence-id'))).toBe('2026-07-15T10:00:00');
    expect(String(moved?.getFirstPropertyValue('dtstart'))).toBe('2026-07-16T14:00:00');
    expect(moved?.getFirstPropertyValue('summary')).toBe('Portfolio review (moved)');
    expect(moved?.getFirstPropertyValue('location')).toBe('Room 9');
    expect(moved?.getFirstPropertyValue('sequence')).toBe(3);
    expect(moved?.getFirstPropertyValue('uid')).toBe('abc@tandem');
    expect(moved?.getFirstPropertyValue('rrule')).toBeNull();
  });
});
