import ICAL from 'ical.js';
import type { GivenResponse } from './record-answer';

/**
 * An iMIP REPLY (RFC 5546 §3.2.3) for one attendee's answer, sent on their behalf to the
 * organiser's calendar address when Tandem holds no copy of theirs to answer on. Times in UTC, so
 * no VTIMEZONE is needed. (The delivery helper's `buildItipCalendar` is to take this over.)
 */

export interface ReplyMeeting {
  icalUid: string;
  sequence: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
}

const PARTSTATS: Record<GivenResponse, string> = {
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
};

export function buildItipReply(input: {
  meeting: ReplyMeeting;
  organizer: { email: string; name: string | null };
  attendee: { email: string; name: string | null };
  response: GivenResponse;
  comment: string | null;
  now: Date;
}): string {
  const vcalendar = new ICAL.Component('vcalendar');
  vcalendar.addPropertyWithValue('prodid', '-//Tandem//Answers//EN');
  vcalendar.addPropertyWithValue('version', '2.0');
  vcalendar.addPropertyWithValue('method', 'REPLY');
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', input.meeting.icalUid);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(input.now, true));
  vevent.addPropertyWithValue('sequence', input.meeting.sequence);
  vevent.addPropertyWithValue('summary', input.meeting.title);
  vevent.addPropertyWithValue('dtstart', ICAL.Time.fromJSDate(input.meeting.startsAt, true));
  vevent.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(input.meeting.endsAt, true));
  const organizer = vevent.addPropertyWithValue('organizer', `mailto:${input.organizer.email}`);
  if (input.organizer.name) organizer.setParameter('cn', input.organizer.name);
  const attendee = vevent.addPropertyWithValue('attendee', `mailto:${input.attendee.email}`);
  attendee.setParameter('partstat', PARTSTATS[input.response]);
  if (input.attendee.name) attendee.setParameter('cn', input.attendee.name);
  if (input.comment) vevent.addPropertyWithValue('comment', input.comment);
  vcalendar.addSubcomponent(vevent);
  return vcalendar.toString();
}
