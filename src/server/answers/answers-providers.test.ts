/**
 * Answers travel between Tandem and the attendees' own calendars, against the Google and Graph
 * emulators: given in the provider → synced → on the meeting; given in Tandem → written to the
 * attendee's own copy (and, where the provider propagates, the organiser's). The organiser's copy
 * is placed by hand, as the delivery job will place it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { respondToMeeting } from '@/server/meetings/responses';
import { setPreference } from '@/server/notifications/preferences';
import {
  answerCalendars,
  selfResponse,
  type AnswerWorld,
  type Connected,
} from '@/tests/support/answer-calendars';
import { attendeeRow, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase } from '@/tests/support/database';
import { createEmulatorRegistry } from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { writeAnswer } from './write-answer';

let google: GoogleTestbed;
let microsoft: MicrosoftTestbed;
let world: AnswerWorld;
/** Where sync announces the notification emails of the answers it reads. */
const syncJobs = new RecordingDispatcher();
const { connectGoogle, connectMicrosoft, sentMeeting, ownCopyIn, sync } = answerCalendars(() => world);

beforeAll(async () => {
  const database = await useTestDatabase();
  [google, microsoft] = await Promise.all([startGoogleTestbed(), startMicrosoftTestbed()]);
  const registry = createEmulatorRegistry({ google, microsoft });
  const deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 7, futureDays: 60 },
    jobs: syncJobs,
  };
  world = { deps, registry, google, microsoft };
});
afterAll(async () => {
  await Promise.all([google.close(), microsoft.close()]);
});

describe.each([
  {
    name: 'Google',
    provider: 'google',
    organizer: 'organizer@northbridge.test',
    learner: 'attendee@northbridge.test',
    connect: connectGoogle,
    keepsComments: true,
  },
  {
    name: 'Microsoft',
    provider: 'microsoft',
    organizer: 'tutor1@northbridge.test',
    learner: 'learner1@northbridge.test',
    connect: connectMicrosoft,
    keepsComments: false,
  },
])('$name', ({ name, provider, organizer, learner, connect, keepsComments }) => {
  let tenant: TestTenant;
  let tutorCalendar: Connected;
  let learnerCalendar: Connected;

  beforeAll(async () => {
    tenant = await createTestTenant(world.deps.db, `answers-${name.toLowerCase()}`);
    tutorCalendar = await connect(tenant, tenant.tutor.userId, organizer);
    learnerCalendar = await connect(tenant, tenant.learner.userId, learner);
    // The tutor wants answers by email too, so each recorded answer has a notice to announce.
    await setPreference(world.deps.db, tenant.tutor, { kind: 'meeting_response', email: true }, new Date());
  });

  it('an answer given in the attendee’s own calendar reaches the meeting through sync, once', async () => {
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    await sync(tenant, tutorCalendar);
    await sync(tenant, learnerCalendar);
    // Needs-action copies are no answer.
    expect((await attendeeRow(world.deps.db, attendeeId)).respondedAt).toBeNull();

    const own = await ownCopyIn(learnerCalendar, copy);
    await learnerCalendar.provider.respondToEvent(
      learnerCalendar.externalCalendarId,
      own.externalId,
      'tentative',
      {
        comment: 'May run late',
      },
    );
    await sync(tenant, learnerCalendar);
    expect(await attendeeRow(world.deps.db, attendeeId)).toMatchObject({
      response: 'tentative',
      respondedVia: 'provider',
      respondedProvider: provider,
      comment: keepsComments ? 'May run late' : null,
    });
    // The organiser's copy shows the same answer: nothing new, nobody told twice.
    await sync(tenant, tutorCalendar);
    await sync(tenant, learnerCalendar);
    const notices = await noticesAbout(world.deps.db, tenant, meetingId);
    expect(notices.map((notice) => [notice.kind, notice.payload['response']])).toEqual([
      ['meeting_response', 'tentative'],
    ]);
    // Its email notice is announced once the answer is committed (whether it is sent is the email job's choice).
    const announced = syncJobs
      .sentOf('tandem/notifications.created')
      .flatMap((event) => event.notificationIds);
    expect(announced.filter((id) => id === notices[0]?.id)).toHaveLength(1);
  });

  it('a decline reaches the meeting from the organiser’s copy, even where the attendee’s copy goes away', async () => {
    const { attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    await sync(tenant, learnerCalendar);
    const own = await ownCopyIn(learnerCalendar, copy);
    await learnerCalendar.provider.respondToEvent(
      learnerCalendar.externalCalendarId,
      own.externalId,
      'declined',
      {
        comment: 'Exam that day',
      },
    );
    // Exchange moves a declined meeting out of the calendar: a removed copy is no answer.
    await sync(tenant, tutorCalendar);
    expect(await attendeeRow(world.deps.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'provider',
      respondedProvider: provider,
      comment: keepsComments ? 'Exam that day' : null,
    });
    await sync(tenant, learnerCalendar);
    expect((await attendeeRow(world.deps.db, attendeeId)).response).toBe('declined');
  });

  it('an answer given in Tandem is written to the attendee’s own copy, and the organiser’s shows it', async () => {
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    await sync(tenant, learnerCalendar);
    const jobs = new RecordingDispatcher();
    await respondToMeeting(
      world.deps.db,
      tenant.learner,
      { id: meetingId, response: 'accepted', comment: 'See you there' },
      new Date(),
      jobs,
    );
    expect(jobs.sentOf('tandem/meeting.answered')).toEqual([
      { tenantId: tenant.tenantId, meetingId, attendeeId },
    ]);
    const written = await writeAnswer(
      { ...world.deps, mailer: offlineMailer },
      { tenantId: tenant.tenantId, meetingId, attendeeId },
    );
    expect(written).toEqual({ outcome: 'written', calendarId: learnerCalendar.calendarId });
    expect(selfResponse(await ownCopyIn(learnerCalendar, copy))).toBe('accepted');
    const organizersCopy = await tutorCalendar.provider.getEvent(
      tutorCalendar.externalCalendarId,
      copy.externalId,
    );
    expect(organizersCopy.attendees.find((a) => a.email.toLowerCase() === learner)?.response).toBe(
      'accepted',
    );

    // A replayed job writes nothing twice; syncing the echoes changes nothing and tells nobody.
    expect(
      await writeAnswer(
        { ...world.deps, mailer: offlineMailer },
        { tenantId: tenant.tenantId, meetingId, attendeeId },
      ),
    ).toMatchObject({ outcome: 'nothing_to_write' });
    const before = await attendeeRow(world.deps.db, attendeeId);
    await sync(tenant, learnerCalendar);
    await sync(tenant, tutorCalendar);
    expect(await attendeeRow(world.deps.db, attendeeId)).toEqual(before);
    expect(before).toMatchObject({ response: 'accepted', respondedVia: 'in_app', comment: 'See you there' });
    expect(await noticesAbout(world.deps.db, tenant, meetingId)).toHaveLength(1);
  });
});
