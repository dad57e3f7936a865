/**
 * Answers with more to them, against the Graph emulator and a real Radicale: a new time proposed
 * in Outlook (Graph proposedNewTime) and accepted by the organiser; an answer given in Tandem set
 * as PARTSTAT on the copy Tandem placed in a CalDAV calendar.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { graphFetch } from '@/emulators/microsoft/test-client';
import { meetings } from '@/server/db/schema';
import { respondToMeeting } from '@/server/meetings/responses';
import { scheduleDeps } from '@/tests/support/activity';
import { answerCalendars, DAY, type AnswerWorld } from '@/tests/support/answer-calendars';
import { attendeeRow, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase } from '@/tests/support/database';
import { createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant } from '@/tests/support/fixtures';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { acceptProposedTime } from './accept-proposal';
import { writeAnswer } from './write-answer';

const LEO = { username: 'leo', password: 'leo-secret', email: 'leo.martin@northbridge.test' };
let microsoft: MicrosoftTestbed;
let radicale: RadicaleServer;
let world: AnswerWorld;
const { connectMicrosoft, connectCalDav, sentMeeting, ownCopyIn, sync } = answerCalendars(() => world);

beforeAll(async () => {
  const database = await useTestDatabase();
  [microsoft, radicale] = await Promise.all([
    startMicrosoftTestbed(),
    startRadicale({ users: [{ username: LEO.username, password: LEO.password }] }),
  ]);
  const registry = createEmulatorRegistry({ microsoft });
  const deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 7, futureDays: 60 },
  };
  world = { deps, registry, microsoft };
});
afterAll(async () => {
  await Promise.all([microsoft.close(), radicale.close()]);
});

describe('Microsoft proposals', () => {
  it('a new time proposed in Outlook reaches the meeting from the organiser’s copy, and the organiser can accept it', async () => {
    const tenant = await createTestTenant(world.deps.db, 'answers-proposal');
    const learner = 'learner2@northbridge.test';
    const tutorCalendar = await connectMicrosoft(tenant, tenant.tutor.userId, 'tutor2@northbridge.test');
    const learnerCalendar = await connectMicrosoft(tenant, tenant.learner.userId, learner);
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    const own = await ownCopyIn(learnerCalendar, copy);
    const start = new Date(copy.time.kind === 'timed' ? copy.time.start.getTime() + DAY : 0);
    const end = new Date(start.getTime() + 3_600_000);
    const token = (await microsoft.signIn(learner)).accessToken;
    const proposed = await graphFetch(
      microsoft.emulator.url,
      token,
      `/me/events/${own.externalId}/tentativelyAccept`,
      {
        method: 'POST',
        json: {
          comment: 'The day after?',
          sendResponse: true,
          proposedNewTime: {
            start: { dateTime: start.toISOString().slice(0, 19), timeZone: 'UTC' },
            end: { dateTime: end.toISOString().slice(0, 19), timeZone: 'UTC' },
          },
        },
      },
    );
    expect(proposed.status).toBe(202);
    await sync(tenant, tutorCalendar);
    expect(await attendeeRow(world.deps.db, attendeeId)).toMatchObject({
      response: 'tentative',
      proposedStartsAt: start,
      proposedEndsAt: end,
    });
    const notices = await noticesAbout(world.deps.db, tenant, meetingId);
    expect(notices.map((notice) => notice.kind)).toEqual(['meeting_counter_proposed']);

    const [before] = await world.deps.db.select().from(meetings).where(eq(meetings.id, meetingId));
    const moved = await acceptProposedTime(scheduleDeps(world.deps.db, new Date()), tenant.tutor, {
      id: meetingId,
      attendeeId,
      version: before?.version ?? 0,
    });
    expect(moved).toMatchObject({ startsAt: start, endsAt: end });
    expect(await attendeeRow(world.deps.db, attendeeId)).toMatchObject({ proposedStartsAt: null });
  });
});

describe('CalDAV (Radicale)', () => {
  it('an answer given in Tandem sets the attendee’s PARTSTAT on the copy in their calendar', async () => {
    const tenant = await createTestTenant(world.deps.db, 'answers-caldav');
    const leo = await connectCalDav(tenant, tenant.learner.userId, { serverUrl: radicale.url, ...LEO });
    // The copy Tandem places in a calendar that cannot take invitations by email.
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, leo, LEO.email, {
      organizerOfCopy: { email: 'tutor@northbridge.test', name: 'Priya Shah' },
    });
    await sync(tenant, leo);
    await respondToMeeting(
      world.deps.db,
      tenant.learner,
      { id: meetingId, response: 'tentative' },
      new Date(),
    );
    const written = await writeAnswer(
      { ...world.deps, mailer: offlineMailer },
      { tenantId: tenant.tenantId, meetingId, attendeeId },
    );
    expect(written).toEqual({ outcome: 'written', calendarId: leo.calendarId });
    const stored = await ownCopyIn(leo, copy);
    expect(stored.attendees.find((a) => a.email === LEO.email)?.response).toBe('tentative');
    await sync(tenant, leo);
    expect(await attendeeRow(world.deps.db, attendeeId)).toMatchObject({
      response: 'tentative',
      respondedVia: 'in_app',
    });
  });
});
