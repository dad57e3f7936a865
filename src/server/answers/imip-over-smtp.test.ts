/**
 * A Google attendee answers a meeting Tandem organises itself, and the answer comes back by email
 * (RFC 6047 over real SMTP): Tandem mails the REQUEST to the emulator's inbound listener, the
 * attendee declines in their emulated Gmail, Google emails the REPLY to Tandem's reply address
 * (here a mail sink standing in for Tandem's inbound listener), and applyItipMessage records it.
 *
 * Needs the emulators' SMTP options (the `emumail` branch: `smtpPort`, `relayUrl`); skipped
 * where the emulator has none.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { meetingAttendees } from '@/server/db/schema';
import { mailerFromEnv } from '@/server/mail/mail-settings';
import { createMeeting } from '@/server/meetings/schedule';
import { meetingInput, scheduleDeps } from '@/tests/support/activity';
import { attendeeRow } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { connectGoogleAccount, createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant } from '@/tests/support/fixtures';
import { startMailSink, type MailSink } from '@/tests/support/mail-sink';
import { applyItipMessage } from './apply-itip';

const emulatorSendsMail = readFileSync('emulators/google/server.ts', 'utf8').includes('relayUrl');
const REPLY_ADDRESS = 'meetings@replies.tandem.test';
const ATTENDEE = 'attendee@northbridge.test';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function request(uid: string, start: Date, end: Date): string {
  const stamp = (at: Date) =>
    at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem//Tests//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${stamp(new Date())}`,
    'SEQUENCE:0',
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(end)}`,
    'SUMMARY:Careers review',
    `ORGANIZER;CN=Tandem:mailto:${REPLY_ADDRESS}`,
    `ATTENDEE;CN=Avery Attendee;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${ATTENDEE}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe.skipIf(!emulatorSendsMail)('an iMIP REPLY over SMTP', () => {
  let database: TestDatabase;
  let sink: MailSink;
  let google: GoogleTestbed;
  let smtpPort: number;

  beforeAll(async () => {
    database = await useTestDatabase();
    sink = await startMailSink();
    smtpPort = await freePort();
    google = await startGoogleTestbed({ smtpPort, relayUrl: sink.url } as Parameters<
      typeof startGoogleTestbed
    >[0]);
  });
  afterAll(async () => {
    await google.close();
    await sink.close();
  });

  it('a decline given in Gmail to a meeting Tandem organises reaches the meeting by email', async () => {
    const tenant = await createTestTenant(database.db, 'smtp');
    const registry = createEmulatorRegistry({ google });
    const deps = {
      db: database.db,
      providers: registry,
      now: () => new Date(),
      window: { pastDays: 7, futureDays: 60 },
    };
    const { connection } = await connectGoogleAccount(deps, registry, google, {
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      email: ATTENDEE,
    });
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
    const meeting = await createMeeting(scheduleDeps(database.db), tenant.tutor, {
      ...meetingInput([tenant.learner.userId], 'Careers review'),
      startsAt: start,
      endsAt: new Date(start.getTime() + 1_800_000),
    });
    const attendeeId = meeting.attendees[0]?.id ?? '';
    await database.db
      .update(meetingAttendees)
      .set({ email: ATTENDEE })
      .where(eq(meetingAttendees.id, attendeeId));

    const toGmail = mailerFromEnv({
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      MAIL_FROM: `Tandem <${REPLY_ADDRESS}>`,
      IMIP_REPLY_ADDRESS: REPLY_ADDRESS,
    });
    await toGmail.send({
      to: [{ email: ATTENDEE, name: 'Avery Attendee' }],
      subject: 'Invitation: Careers review',
      text: 'You are invited.',
      calendar: { method: 'REQUEST', content: request(meeting.icalUid, meeting.startsAt, meeting.endsAt) },
    });

    // The emulator files the invitation as it reads the mail: look until it is there (bounded).
    const attendee = await registry.forConnection(database.db, connection);
    let copy = null;
    for (let attempt = 0; attempt < 50 && !copy; attempt += 1) {
      const events = await attendee.readEvents('primary', {
        start: new Date(start.getTime() - 3_600_000),
        end: new Date(start.getTime() + 3_600_000),
      });
      copy = events.find((event) => event.iCalUid === meeting.icalUid) ?? null;
      if (!copy) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(copy, 'the invitation reached the Gmail calendar').not.toBeNull();
    await attendee.respondToEvent('primary', copy?.externalId ?? '', 'declined', {
      comment: 'At a job fair',
    });

    const [reply] = await sink.waitFor(1, REPLY_ADDRESS);
    expect(reply?.calendar?.method).toBe('REPLY');
    const outcome = await applyItipMessage(
      { db: database.db, now: () => new Date(), jobs: { send: async () => undefined } },
      {
        method: reply?.calendar?.method ?? '',
        ics: reply?.calendar?.content ?? '',
        from: reply?.parsed.from?.value[0]?.address ?? reply?.from ?? null,
        to: reply?.recipients ?? [],
        messageId: reply?.parsed.messageId ?? crypto.randomUUID(),
      },
    );
    expect(outcome).toMatchObject({ outcome: 'applied', meetingId: meeting.id });
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'email',
      comment: 'At a job fair',
    });
  });
});
