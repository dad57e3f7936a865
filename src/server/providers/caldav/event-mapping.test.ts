import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { EventWrite } from '../types';
import { applyWrite, eventFromVevent, setOwnPartstat, type ReadContext } from './event-mapping';
import { expandObject } from './ical-expand';
import { parseObject } from './ical-read';
import { cancelInstance, overrideInstance } from './ical-series';
import { ensureTimezones, newCalendar, newVevent } from './ical-write';

const context: ReadContext = { objectName: 'obj.ics', etag: '"e1"', selfAddresses: ['me@example.org'] };
const identity = { email: 'me@example.org', name: 'Me' };

function write(overrides: Partial<EventWrite>): EventWrite {
  return {
    title: 'Review',
    description: null,
    location: null,
    onlineUrl: null,
    time: {
      kind: 'timed',
      start: new Date('2030-10-26T23:30:00Z'),
      end: new Date('2030-10-27T02:00:00Z'),
      timeZone: 'Europe/London',
    },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: true,
    ...overrides,
  };
}

function build(event: EventWrite): string {
  const vcalendar = newCalendar();
  const vevent = newVevent('uid-1');
  applyWrite(vevent, event, identity);
  vcalendar.addSubcomponent(vevent);
  ensureTimezones(vcalendar);
  return vcalendar.toString();
}

function readBack(text: string) {
  const parsed = parseObject(text);
  if (!parsed.master) throw new Error('no master');
  return eventFromVevent(parsed.master, parsed, context);
}

const window = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe('iCalendar build and parse', () => {
  it('writes local time with TZID and a VTIMEZONE, and reads the same instants back across DST', () => {
    const text = build(
      write({
        description: 'Agenda',
        location: 'Room 4',
        onlineUrl: 'https://meet.example/abc',
        tandemMeetingId: 'mtg-1',
        attendees: [
          { email: 'ann@example.org', name: 'Ann', isOptional: false },
          { email: 'me@example.org', name: null, isOptional: true },
        ],
      }),
    );
    expect(text).toContain('DTSTART;TZID=Europe/London:20301027T003000');
    expect(text).toContain('DTEND;TZID=Europe/London:20301027T020000');
    expect(text).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/London');
    expect(text).toContain('X-TANDEM-MEETING-ID:mtg-1');

    const event = readBack(text);
    expect(event.time).toEqual({
      kind: 'timed',
      start: new Date('2030-10-26T23:30:00Z'),
      end: new Date('2030-10-27T02:00:00Z'),
      timeZone: 'Europe/London',
    });
    expect(event).toMatchObject({
      externalId: 'obj.ics',
      iCalUid: 'uid-1',
      etag: '"e1"',
      title: 'Review',
      description: 'Agenda',
      location: 'Room 4',
      onlineUrl: 'https://meet.example/abc',
      status: 'confirmed',
      transparency: 'opaque',
      showAs: 'busy',
      sequence: 0,
      tandemMeetingId: 'mtg-1',
      organizer: { email: 'me@example.org', name: 'Me' },
      recurrence: null,
      seriesExternalId: null,
    });
    expect(event.attendees).toEqual([
      {
        email: 'ann@example.org',
        name: 'Ann',
        response: 'needs_action',
        isOrganizer: false,
        isOptional: false,
        isSelf: false,
      },
      {
        email: 'me@example.org',
        name: null,
        response: 'needs_action',
        isOrganizer: true,
        isOptional: true,
        isSelf: true,
      },
    ]);
  });

  it('writes all-day events as VALUE=DATE with an exclusive end', () => {
    const text = build(write({ time: { kind: 'allDay', startDate: '2030-04-10', endDate: '2030-04-13' } }));
    expect(text).toContain('DTSTART;VALUE=DATE:20300410');
    expect(text).toContain('DTEND;VALUE=DATE:20300413');
    expect(text).not.toContain('VTIMEZONE');
    expect(readBack(text).time).toEqual({ kind: 'allDay', startDate: '2030-04-10', endDate: '2030-04-13' });
  });

  it('writes events without a zone in UTC', () => {
    const text = build(
      write({
        time: {
          kind: 'timed',
          start: new Date('2030-05-01T09:00:00Z'),
          end: new Date('2030-05-01T10:00:00Z'),
          timeZone: null,
        },
      }),
    );
    expect(text).toContain('DTSTART:20300501T090000Z');
    expect(readBack(text).time).toMatchObject({ start: new Date('2030-05-01T09:00:00Z'), timeZone: 'UTC' });
  });

  it('keeps answers, alarms and foreign properties when updating in place', () => {
    const parsed = parseObject(
      build(write({ attendees: [{ email: 'ann@example.org', name: null, isOptional: false }] })),
    );
    const vevent = parsed.master!;
    vevent.getFirstProperty('attendee')!.setParameter('partstat', 'ACCEPTED');
    vevent.addPropertyWithValue('x-apple-travel-advisory-behavior', 'AUTOMATIC');
    vevent.addSubcomponent(new ICAL.Component(['valarm', [['action', {}, 'text', 'DISPLAY']], []]));
    applyWrite(
      vevent,
      write({ title: 'Moved', attendees: [{ email: 'ANN@example.org', name: null, isOptional: false }] }),
      identity,
    );
    const event = eventFromVevent(vevent, parsed, context);
    expect(event.title).toBe('Moved');
    expect(event.attendees[0]?.response).toBe('accepted');
    expect(vevent.getFirstPropertyValue('x-apple-travel-advisory-behavior')).toBe('AUTOMATIC');
    expect(vevent.getAllSubcomponents('valarm')).toHaveLength(1);
  });

  it('marks attendees SCHEDULE-AGENT=CLIENT when the server must not send the invitations', () => {
    const text = build(
      write({
        notifyAttendees: false,
        attendees: [{ email: 'ann@example.org', name: null, isOptional: false }],
      }),
    );
    expect(text.replace(/\r\n /g, '')).toContain('SCHEDULE-AGENT=CLIENT');
  });

  it('sets PARTSTAT only on the account’s own attendee entry', () => {
    const parsed = parseObject(
      build(
        write({
          attendees: [
            { email: 'ann@example.org', name: null, isOptional: false },
            { email: 'me@example.org', name: null, isOptional: false },
          ],
        }),
      ),
    );
    expect(setOwnPartstat([parsed.master!], ['me@example.org'], 'tentative')).toBe(true);
    const event = eventFromVevent(parsed.master!, parsed, context);
    expect(event.attendees.map((attendee) => attendee.response)).toEqual(['needs_action', 'tentative']);
    expect(setOwnPartstat([parsed.master!], ['nobody@example.org'], 'accepted')).toBe(false);
  });
});

describe('foreign iCalendar', () => {
  const wrap = (body: string[]) =>
    ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', ...body, 'END:VCALENDAR', ''].join('\r\n');

  it('resolves vendor-prefixed TZIDs to IANA zones, and unknown ones through their VTIMEZONE', () => {
    const mozilla = readBack(
      wrap([
        'BEGIN:VEVENT',
        'UID:a',
        'DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20300603T100000',
        'DURATION:PT30M',
        'END:VEVENT',
      ]),
    );
    expect(mozilla.time).toEqual({
      kind: 'timed',
      start: new Date('2030-06-03T08:00:00Z'),
      end: new Date('2030-06-03T08:30:00Z'),
      timeZone: 'Europe/Berlin',
    });

    const outlook = readBack(
      wrap([
        'BEGIN:VTIMEZONE',
        'TZID:Custom Zone',
        'BEGIN:STANDARD',
        'DTSTART:16010101T000000',
        'TZOFFSETFROM:+0530',
        'TZOFFSETTO:+0530',
        'END:STANDARD',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:b',
        'DTSTART;TZID=Custom Zone:20300603T100000',
        'DTEND;TZID=Custom Zone:20300603T110000',
        'STATUS:TENTATIVE',
        'TRANSP:TRANSPARENT',
        'END:VEVENT',
      ]),
    );
    expect(outlook.time).toEqual({
      kind: 'timed',
      start: new Date('2030-06-03T04:30:00Z'),
      end: new Date('2030-06-03T05:30:00Z'),
      timeZone: null,
    });
    expect(outlook).toMatchObject({ status: 'tentative', transparency: 'transparent', showAs: 'free' });
  });

  it('reads a date-only event without DTEND as one day', () => {
    expect(
      readBack(wrap(['BEGIN:VEVENT', 'UID:c', 'DTSTART;VALUE=DATE:20300101', 'END:VEVENT'])).time,
    ).toEqual({ kind: 'allDay', startDate: '2030-01-01', endDate: '2030-01-02' });
  });

  it('expands RRULE with a UTC UNTIL, EXDATE and a RECURRENCE-ID override in the series zone', () => {
    const parsed = parseObject(
      wrap([
        'BEGIN:VEVENT',
        'UID:s',
        'SUMMARY:Series',
        'DTSTART;TZID=Europe/Berlin:20300603T100000',
        'DTEND;TZID=Europe/Berlin:20300603T110000',
        // UNTIL is the last occurrence itself (08:00Z = 10:00 Berlin): it must be included.
        'RRULE:FREQ=WEEKLY;UNTIL=20300701T080000Z',
        'EXDATE;TZID=Europe/Berlin:20300617T100000',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:s',
        'SUMMARY:Moved',
        'RECURRENCE-ID;TZID=Europe/Berlin:20300610T100000',
        'DTSTART:20300611T090000Z',
        'DTEND:20300611T100000Z',
        'END:VEVENT',
      ]),
    );
    const events = expandObject(parsed, context, window('2030-06-01T00:00:00Z', '2030-08-01T00:00:00Z'));
    expect(
      events
        .map((event) => [
          event.externalId,
          event.title,
          event.time.kind === 'timed' && event.time.start.toISOString(),
        ])
        .sort(),
    ).toEqual([
      ['obj.ics#20300603T080000Z', 'Series', '2030-06-03T08:00:00.000Z'],
      ['obj.ics#20300610T080000Z', 'Moved', '2030-06-11T09:00:00.000Z'],
      ['obj.ics#20300624T080000Z', 'Series', '2030-06-24T08:00:00.000Z'],
      ['obj.ics#20300701T080000Z', 'Series', '2030-07-01T08:00:00.000Z'],
    ]);
    const moved = events.find((event) => event.title === 'Moved')!;
    expect(moved.seriesExternalId).toBe('obj.ics');
    expect(moved.originalStart).toMatchObject({
      start: new Date('2030-06-10T08:00:00Z'),
      end: new Date('2030-06-10T09:00:00Z'),
    });

    const master = eventFromVevent(parsed.master!, parsed, context);
    expect(master.recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;UNTIL=20300701T080000Z',
      'EXDATE;TZID=Europe/Berlin:20300617T100000',
    ]);
  });

  it('leaves out occurrences named by a UTC EXDATE or a date-only EXDATE on a timed series in its own zone', () => {
    const parsed = parseObject(
      wrap([
        'BEGIN:VEVENT',
        'UID:x',
        'SUMMARY:Series',
        'DTSTART;TZID=Europe/Berlin:20300603T100000',
        'DTEND;TZID=Europe/Berlin:20300603T110000',
        'RRULE:FREQ=WEEKLY;COUNT=5',
        // 08:00Z is 10:00 in Berlin (summer time): the 10 June occurrence.
        'EXDATE:20300610T080000Z',
        // A whole day: the 17 June occurrence, whatever its time.
        'EXDATE;VALUE=DATE:20300617',
        // 10:00Z is noon in Berlin: no occurrence, nothing left out.
        'EXDATE:20300624T100000Z',
        'END:VEVENT',
      ]),
    );
    const events = expandObject(parsed, context, window('2030-06-01T00:00:00Z', '2030-08-01T00:00:00Z'));
    expect(events.map((event) => event.externalId)).toEqual([
      'obj.ics#20300603T080000Z',
      'obj.ics#20300624T080000Z',
      'obj.ics#20300701T080000Z',
    ]);
    // The master keeps the lines as they were, for the mirror's own expansion.
    expect(eventFromVevent(parsed.master!, parsed, context).recurrence).toEqual([
      'RRULE:FREQ=WEEKLY;COUNT=5',
      'EXDATE:20300610T080000Z',
      'EXDATE;VALUE=DATE:20300617',
      'EXDATE:20300624T100000Z',
    ]);
  });

  it('expands all-day series by date', () => {
    const parsed = parseObject(
      wrap([
        'BEGIN:VEVENT',
        'UID:d',
        'DTSTART;VALUE=DATE:20300101',
        'DTEND;VALUE=DATE:20300103',
        'RRULE:FREQ=MONTHLY;COUNT=3',
        'EXDATE;VALUE=DATE:20300201',
        'END:VEVENT',
      ]),
    );
    const events = expandObject(parsed, context, window('2029-12-01T00:00:00Z', '2031-01-01T00:00:00Z'));
    expect(events.map((event) => [event.externalId, event.time])).toEqual([
      ['obj.ics#20300101', { kind: 'allDay', startDate: '2030-01-01', endDate: '2030-01-03' }],
      ['obj.ics#20300301', { kind: 'allDay', startDate: '2030-03-01', endDate: '2030-03-03' }],
    ]);
  });
});

describe('series edits', () => {
  const seriesText = () =>
    build(
      write({
        time: {
          kind: 'timed',
          start: new Date('2030-06-03T08:00:00Z'),
          end: new Date('2030-06-03T09:00:00Z'),
          timeZone: 'Europe/Berlin',
        },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      }),
    );

  it('adds an override with RECURRENCE-ID in the master’s zone, and an EXDATE for a cancelled slot', () => {
    const parsed = parseObject(seriesText());
    overrideInstance(
      parsed,
      '20300610T080000Z',
      write({
        title: 'Moved',
        time: {
          kind: 'timed',
          start: new Date('2030-06-11T09:00:00Z'),
          end: new Date('2030-06-11T10:00:00Z'),
          timeZone: 'Europe/Berlin',
        },
      }),
      identity,
    );
    expect(cancelInstance(parsed, '20300617T080000Z')).toBe(true);
    const text = parsed.vcalendar.toString();
    expect(text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20300610T100000');
    expect(text).toContain('EXDATE;TZID=Europe/Berlin:20300617T100000');

    const reparsed = parseObject(text);
    expect(reparsed.overrides).toHaveLength(1);
    expect(reparsed.overrides[0]!.hasProperty('rrule')).toBe(false);
    const events = expandObject(reparsed, context, window('2030-06-01T00:00:00Z', '2030-07-01T00:00:00Z'));
    expect(
      events.map((event) => event.time.kind === 'timed' && event.time.start.toISOString()).sort(),
    ).toEqual(['2030-06-03T08:00:00.000Z', '2030-06-11T09:00:00.000Z', '2030-06-24T08:00:00.000Z']);
  });

  it('cancelling an overridden slot removes the override as well', () => {
    const parsed = parseObject(seriesText());
    overrideInstance(parsed, '20300610T080000Z', write({ title: 'Moved' }), identity);
    cancelInstance(parsed, '20300610T080000Z');
    expect(parseObject(parsed.vcalendar.toString()).overrides).toHaveLength(0);
  });
});
