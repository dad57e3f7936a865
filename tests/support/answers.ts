import { and, eq } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { meetingAttendees, meetings, notifications } from '@/server/db/schema';
import { createMeeting } from '@/server/meetings/schedule';
import { meetingInput, scheduleDeps } from './activity';
import type { TestTenant } from './fixtures';

/** A meeting the tenant's tutor sends to its learner, far enough ahead of the tests' clocks. */
export async function meetingForAnswers(db: Database, tenant: TestTenant, title = 'Answer me') {
  const meeting = await createMeeting(scheduleDeps(db), tenant.tutor, {
    ...meetingInput([tenant.learner.userId], title),
    startsAt: new Date('2030-03-03T10:00:00Z'),
    endsAt: new Date('2030-03-03T10:45:00Z'),
  });
  const attendee = meeting.attendees.find((row) => row.userId === tenant.learner.userId);
  if (!attendee) throw new Error('the learner is not on the meeting');
  return { meeting, attendeeId: attendee.id, learnerEmail: attendee.email };
}

export async function attendeeRow(db: Database, attendeeId: string) {
  const [row] = await db.select().from(meetingAttendees).where(eq(meetingAttendees.id, attendeeId));
  if (!row) throw new Error('no such attendee');
  return row;
}

export async function meetingRow(db: Database, meetingId: string) {
  const [row] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  if (!row) throw new Error('no such meeting');
  return row;
}

/** The organiser's notices about one meeting, oldest first. */
export async function noticesAbout(db: Database, tenant: TestTenant, meetingId: string) {
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenant.tenantId), eq(notifications.userId, tenant.tutor.userId)));
  return rows
    .filter((row) => (row.payload as { meetingId?: string }).meetingId === meetingId)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** An iMIP REPLY or COUNTER as a calendar client writes one (RFC 5546 §3.2.3, §3.2.7). */
export function itipAnswer(options: {
  uid: string;
  attendee: string;
  partstat?: string;
  method?: 'REPLY' | 'COUNTER';
  sequence?: number;
  comment?: string;
  stamp?: string;
  proposed?: { start: string; end: string };
}): string {
  const method = options.method ?? 'REPLY';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tests//Answers//EN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${options.uid}`,
    `DTSTAMP:${options.stamp ?? '20260301T120000Z'}`,
    `SEQUENCE:${options.sequence ?? 0}`,
    'ORGANIZER:mailto:meetings@replies.tandem.test',
    `ATTENDEE${options.partstat ? `;PARTSTAT=${options.partstat}` : ''}:mailto:${options.attendee}`,
    ...(options.comment ? [`COMMENT:${options.comment}`] : []),
    ...(options.proposed
      ? [`DTSTART:${options.proposed.start}`, `DTEND:${options.proposed.end}`]
      : ['DTSTART:20300303T100000Z', 'DTEND:20300303T104500Z']),
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ];
  return lines.join('\r\n');
}
