import * as ews from 'ews-javascript-api';
import { describe, expect, it } from 'vitest';
import type { EventWrite } from '../types';
import { applyWrite } from './event-mapping';
import { fromEwsRecurrence, toEwsRecurrence } from './recurrence';

describe('RRULE ↔ EWS Recurrence', () => {
  it('round-trips a weekly series with an end date', () => {
    const recurrence = toEwsRecurrence(
      ['RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270113T235959Z'],
      '2026-12-23',
      'Europe/London',
    );
    expect(recurrence).toBeInstanceOf(ews.Recurrence.WeeklyPattern);
    expect(fromEwsRecurrence(recurrence)).toEqual(['RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270113']);
  });

  // "This and following" from 13 January, 10:00 London ends the old series at 09:59:59 that day.
  // EWS's EndDate (xs:date) keeps every occurrence on its day, so it must be the 12th, as on Graph.
  it('ends on the day before when UNTIL is earlier in the day than the series starts', () => {
    const rule = ['RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270113T095959Z'];
    const ended = toEwsRecurrence(rule, '2026-12-23', 'Europe/London', '10:00:00');
    expect(fromEwsRecurrence(ended)?.[0]).toMatch(/UNTIL=20270112$/);
    const earlier = toEwsRecurrence(rule, '2026-12-23', 'Europe/London', '09:00:00');
    expect(fromEwsRecurrence(earlier)?.[0]).toMatch(/UNTIL=20270113$/);
  });

  it('writes the series start time into the split: applyWrite ends a 10:00 series on the day before', () => {
    const write: EventWrite = {
      title: 'Weekly review',
      description: null,
      location: null,
      onlineUrl: null,
      time: {
        kind: 'timed',
        start: new Date('2026-12-23T10:00:00Z'),
        end: new Date('2026-12-23T10:30:00Z'),
        timeZone: 'Europe/London',
      },
      recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20270113T095959Z'],
      attendees: [],
      tandemMeetingId: null,
      notifyAttendees: false,
    };
    const appointment = new ews.Appointment(new ews.ExchangeService(ews.ExchangeVersion.Exchange2013));
    applyWrite(appointment, write, { occurrence: false, create: true });
    expect(fromEwsRecurrence(appointment.Recurrence)?.[0]).toMatch(/UNTIL=20270112$/);
  });
});
