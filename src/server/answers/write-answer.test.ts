import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingLinks } from '@/server/db/schema';
import { mailerFromEnv } from '@/server/mail/mail-settings';
import { respondToMeeting } from '@/server/meetings/responses';
import { meetingForAnswers } from '@/tests/support/answers';
import { TEST_KEY_RING } from '@/tests/support/api';
import { seedConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { startMailSink, type MailSink } from '@/tests/support/mail-sink';
import { ProviderNotFoundError } from '@/server/providers/errors';
import type { CalendarProvider } from '@/server/providers/types';
import { stubProviderRegistry } from '@/tests/support/stub-providers';
import { parseItip } from './itip-parse';
import { writeAnswer } from './write-answer';

/** Where no copy of the attendee's is linked: an iMIP REPLY to the organiser's calendar, or nothing. */

let database: TestDatabase;
let sink: MailSink;
let north: TestTenant;
const now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  sink = await startMailSink();
  north = await createTestTenant(database.db, 'north');
});
afterAll(() => sink.close());

function deps() {
  return {
    db: database.db,
    providers: stubProviderRegistry(TEST_KEY_RING),
    now: () => now,
    mailer: mailerFromEnv({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Tandem <tandem@northbridge.test>',
      IMIP_REPLY_ADDRESS: 'meetings@replies.tandem.test',
    }),
  };
}

describe('writeAnswer without a copy of the attendee’s', () => {
  it('sends the organiser’s calendar an iMIP REPLY for the attendee, Reply-To them', async () => {
    const { meeting, attendeeId, learnerEmail } = await meetingForAnswers(
      database.db,
      north,
      'Mock interview',
    );
    const tutorCalendar = await seedConnection(database.db, north.tutor, 'tutor-cal');
    await database.db.insert(meetingLinks).values({
      tenantId: north.tenantId,
      meetingId: meeting.id,
      calendarId: tutorCalendar.writableCalendarId,
      role: 'organizer',
      externalId: 'organiser-copy',
      icalUid: meeting.icalUid,
      state: 'written',
    });
    await respondToMeeting(
      database.db,
      north.learner,
      { id: meeting.id, response: 'declined', comment: 'Ill' },
      now,
    );

    const result = await writeAnswer(deps(), { tenantId: north.tenantId, meetingId: meeting.id, attendeeId });
    expect(result).toEqual({ outcome: 'replied', to: 'tutor-cal@dav.example.test' });
    const [mail] = await sink.waitFor(1, 'tutor-cal@dav.example.test');
    expect(mail?.calendar?.method).toBe('REPLY');
    expect(mail?.parsed.replyTo?.value[0]?.address).toBe(learnerEmail);
    expect(mail?.parsed.from?.value[0]?.address).toBe('tandem@northbridge.test');
    expect(mail?.parsed.text).toMatch(/declined/);
    const reply = parseItip(mail?.calendar?.content ?? '', 'REPLY');
    expect(reply).toMatchObject({
      method: 'REPLY',
      uid: meeting.icalUid,
      sequence: meeting.sequence,
      attendees: [{ email: learnerEmail, partstat: 'DECLINED' }],
      comment: 'Ill',
    });

    // A replayed job (or a duplicated event) writes nothing twice.
    const sent = sink.messages.length;
    expect(
      await writeAnswer(deps(), { tenantId: north.tenantId, meetingId: meeting.id, attendeeId }),
    ).toEqual({ outcome: 'nothing_to_write', detail: 'This answer was already written.' });
    expect(sink.messages).toHaveLength(sent);
    // A new answer is written again.
    await respondToMeeting(
      database.db,
      north.learner,
      { id: meeting.id, response: 'accepted' },
      new Date(now.getTime() + 60_000),
    );
    expect(
      await writeAnswer(deps(), { tenantId: north.tenantId, meetingId: meeting.id, attendeeId }),
    ).toEqual({ outcome: 'replied', to: 'tutor-cal@dav.example.test' });
    await sink.waitFor(2, 'tutor-cal@dav.example.test');
  });

  it('writes nothing when Tandem is the organiser of record, or the answer came from elsewhere', async () => {
    const { meeting, attendeeId } = await meetingForAnswers(database.db, north, 'Tandem organises');
    await respondToMeeting(database.db, north.learner, { id: meeting.id, response: 'accepted' }, now);
    const before = sink.messages.length;
    expect(
      await writeAnswer(deps(), { tenantId: north.tenantId, meetingId: meeting.id, attendeeId }),
    ).toMatchObject({
      outcome: 'nothing_to_write',
    });
    expect(sink.messages).toHaveLength(before);
  });

  it('answers as without a copy when the attendee’s copy is already gone (404), instead of failing for ever', async () => {
    const { meeting, attendeeId } = await meetingForAnswers(database.db, north, 'Declined in Outlook');
    const tutorCalendar = await seedConnection(database.db, north.tutor, 'gone-tutor');
    const learnerCalendar = await seedConnection(database.db, north.learner, 'gone-learner');
    await database.db.insert(meetingLinks).values([
      {
        tenantId: north.tenantId,
        meetingId: meeting.id,
        calendarId: tutorCalendar.writableCalendarId,
        role: 'organizer',
        externalId: 'organiser-copy',
        icalUid: meeting.icalUid,
        state: 'written',
      },
      {
        tenantId: north.tenantId,
        meetingId: meeting.id,
        calendarId: learnerCalendar.writableCalendarId,
        role: 'attendee',
        attendeeId,
        externalId: 'declined-copy',
        icalUid: meeting.icalUid,
        state: 'written',
      },
    ]);
    const asked: string[] = [];
    // Outlook moved the declined copy to Deleted Items: answering on it again is a 404.
    const gone = {
      capabilities: { push: null, serverScheduling: true, freeBusyQuery: false },
      respondToEvent(_calendar: string, externalId: string) {
        asked.push(externalId);
        return Promise.reject(new ProviderNotFoundError('ErrorItemNotFound', 404));
      },
    } as unknown as CalendarProvider;
    const goneDeps = { ...deps(), providers: { forConnection: () => Promise.resolve(gone) } };
    await respondToMeeting(database.db, north.learner, { id: meeting.id, response: 'accepted' }, now);

    const ids = { tenantId: north.tenantId, meetingId: meeting.id, attendeeId };
    expect(await writeAnswer(goneDeps, ids)).toEqual({
      outcome: 'replied',
      to: 'gone-tutor@dav.example.test',
    });
    expect(asked).toEqual(['declined-copy']);
    const [mail] = await sink.waitFor(1, 'gone-tutor@dav.example.test');
    expect(parseItip(mail?.calendar?.content ?? '', 'REPLY')).toMatchObject({
      attendees: [{ partstat: 'ACCEPTED' }],
    });
    // Written: a replay neither asks the provider again nor sends a second REPLY.
    expect(await writeAnswer(goneDeps, ids)).toMatchObject({ outcome: 'nothing_to_write' });
    expect(asked).toHaveLength(1);
  });
});
