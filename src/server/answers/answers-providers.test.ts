/**
 * Answers travel between Tandem and the attendees' own calendars, against the Google and Graph
 * emulators and a real Radicale: given in the provider → synced → on the meeting; given in Tandem
 * → written to the attendee's own copy (and, where the provider propagates, the organiser's).
 * The organiser's copy is placed here by hand, as the delivery job will place it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleTestbed, type GoogleTestbed } from '@/emulators/google/testbed';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import { calendars, meetingAttendees, meetings } from '@/server/db/schema';
import { respondToMeeting } from '@/server/meetings/responses';
import { createMeeting } from '@/server/meetings/schedule';
import type { ConnectionRow } from '@/server/connections/provider-registry';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import { refreshCalendarList } from '@/server/sync/calendar-list';
import type { SyncDeps } from '@/server/sync/deps';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { meetingInput } from '@/tests/support/activity';
import { attendeeRow, noticesAbout } from '@/tests/support/answers';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import {
  connectGoogleAccount,
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
  type EmulatorRegistry,
} from '@/tests/support/emulator-registry';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { startRadicale, type RadicaleServer } from '@/tests/support/radicale';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { graphFetch } from '@/emulators/microsoft/test-client';
import { acceptProposedTime } from './accept-proposal';
import { writeAnswer } from './write-answer';

const DAY = 86_400_000;
let database: TestDatabase;
let google: GoogleTestbed;
let microsoft: MicrosoftTestbed;
let radicale: RadicaleServer;
let registry: EmulatorRegistry;
let deps: SyncDeps;

const LEO = { username: 'leo', password: 'leo-secret', email: 'leo.martin@northbridge.test' };

beforeAll(async () => {
  database = await useTestDatabase();
  [google, microsoft, radicale] = await Promise.all([
    startGoogleTestbed(),
    startMicrosoftTestbed(),
    startRadicale({ users: [{ username: LEO.username, password: LEO.password }] }),
  ]);
  registry = createEmulatorRegistry({ google, microsoft });
  deps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 7, futureDays: 60 },
  };
});
afterAll(async () => {
  await Promise.all([google.close(), microsoft.close(), radicale.close()]);
});

interface Connected {
  connection: ConnectionRow;
  /** Tandem's id of the primary calendar, and the provider's. */
  calendarId: string;
  externalCalendarId: string;
  provider: CalendarProvider;
}

async function primaryOf(connection: ConnectionRow): Promise<Connected> {
  const [calendar] = await database.db
    .select()
    .from(calendars)
    .where(and(eq(calendars.connectionId, connection.id), eq(calendars.isWriteTarget, true)));
  if (!calendar) throw new Error('no write target');
  return {
    connection,
    calendarId: calendar.id,
    externalCalendarId: calendar.externalId,
    provider: await registry.forConnection(database.db, connection),
  };
}

async function connectGoogle(tenant: TestTenant, userId: string, email: string) {
  const { connection } = await connectGoogleAccount(deps, registry, google, {
    tenantId: tenant.tenantId,
    userId,
    email,
  });
  return primaryOf(connection);
}

async function connectMicrosoft(tenant: TestTenant, userId: string, email: string) {
  const connection = await insertTestConnection(database.db, registry, {
    tenantId: tenant.tenantId,
    userId,
    provider: 'microsoft',
    accountEmail: email,
    credentials: oauthCredentials(await microsoft.signIn(email)),
  });
  await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
  return primaryOf(connection);
}

/**
 * A meeting from the tutor to the learner, invited at `learnerAddress`, with the organiser's copy
 * in `organizer`'s calendar; the meeting takes the copy's UID, as delivery links them.
 */
async function sentMeeting(tenant: TestTenant, organizer: Connected, learnerAddress: string) {
  const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * DAY);
  const meeting = await createMeeting(database.db, tenant.tutor, {
    ...meetingInput([tenant.learner.userId], 'Review with learner'),
    startsAt: start,
    endsAt: new Date(start.getTime() + 3_600_000),
  });
  const attendeeId = meeting.attendees[0]?.id ?? '';
  await database.db
    .update(meetingAttendees)
    .set({ email: learnerAddress })
    .where(eq(meetingAttendees.id, attendeeId));
  const copy = await organizer.provider.createEvent(organizer.externalCalendarId, {
    title: meeting.title,
    description: null,
    location: meeting.location,
    onlineUrl: null,
    time: { kind: 'timed', start: meeting.startsAt, end: meeting.endsAt, timeZone: 'Europe/London' },
    recurrence: null,
    attendees: [{ email: learnerAddress, name: null, isOptional: false }],
    tandemMeetingId: meeting.id,
    iCalUid: meeting.icalUid,
    notifyAttendees: true,
  });
  await database.db
    .update(meetings)
    .set({ icalUid: copy.iCalUid ?? meeting.icalUid })
    .where(eq(meetings.id, meeting.id));
  return { meetingId: meeting.id, attendeeId, copy };
}

async function ownCopyIn(attendee: Connected, copy: ProviderEvent): Promise<ProviderEvent> {
  const events = await attendee.provider.readEvents(attendee.externalCalendarId, {
    start: new Date(copy.time.kind === 'timed' ? copy.time.start.getTime() - DAY : 0),
    end: new Date(copy.time.kind === 'timed' ? copy.time.end.getTime() + DAY : 0),
  });
  const found = events.find((event) => event.iCalUid === copy.iCalUid);
  if (!found) throw new Error('the attendee has no copy');
  return found;
}

const sync = (tenant: TestTenant, calendar: Connected) =>
  syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: calendar.calendarId });

const selfResponse = (event: ProviderEvent) => event.attendees.find((attendee) => attendee.isSelf)?.response;

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
    tenant = await createTestTenant(database.db, `answers-${name.toLowerCase()}`);
    tutorCalendar = await connect(tenant, tenant.tutor.userId, organizer);
    learnerCalendar = await connect(tenant, tenant.learner.userId, learner);
  });

  it('an answer given in the attendee’s own calendar reaches the meeting through sync, once', async () => {
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    await sync(tenant, tutorCalendar);
    await sync(tenant, learnerCalendar);
    // Needs-action copies are no answer.
    expect((await attendeeRow(database.db, attendeeId)).respondedAt).toBeNull();

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
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'tentative',
      respondedVia: 'provider',
      respondedProvider: provider,
      comment: keepsComments ? 'May run late' : null,
    });
    // The organiser's copy shows the same answer: nothing new, nobody told twice.
    await sync(tenant, tutorCalendar);
    await sync(tenant, learnerCalendar);
    const notices = await noticesAbout(database.db, tenant, meetingId);
    expect(notices.map((notice) => [notice.kind, notice.payload['response']])).toEqual([
      ['meeting_response', 'tentative'],
    ]);
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
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'declined',
      respondedVia: 'provider',
      respondedProvider: provider,
      comment: keepsComments ? 'Exam that day' : null,
    });
    await sync(tenant, learnerCalendar);
    expect((await attendeeRow(database.db, attendeeId)).response).toBe('declined');
  });

  it('an answer given in Tandem is written to the attendee’s own copy, and the organiser’s shows it', async () => {
    const { meetingId, attendeeId, copy } = await sentMeeting(tenant, tutorCalendar, learner);
    await sync(tenant, learnerCalendar);
    const jobs = new RecordingDispatcher();
    await respondToMeeting(
      database.db,
      tenant.learner,
      { id: meetingId, response: 'accepted', comment: 'See you there' },
      new Date(),
      jobs,
    );
    expect(jobs.sent).toEqual([
      { name: 'tandem/meeting.answered', data: { tenantId: tenant.tenantId, meetingId, attendeeId } },
    ]);
    const written = await writeAnswer(
      { ...deps, mailer: offlineMailer },
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

    // A replayed job writes the same answer again; syncing the echoes changes nothing and tells nobody.
    await writeAnswer(
      { ...deps, mailer: offlineMailer },
      { tenantId: tenant.tenantId, meetingId, attendeeId },
    );
    const before = await attendeeRow(database.db, attendeeId);
    await sync(tenant, learnerCalendar);
    await sync(tenant, tutorCalendar);
    expect(await attendeeRow(database.db, attendeeId)).toEqual(before);
    expect(before).toMatchObject({ response: 'accepted', respondedVia: 'in_app', comment: 'See you there' });
    expect(await noticesAbout(database.db, tenant, meetingId)).toHaveLength(1);
  });
});

describe('Microsoft proposals', () => {
  it('a new time proposed in Outlook reaches the meeting from the organiser’s copy, and the organiser can accept it', async () => {
    const tenant = await createTestTenant(database.db, 'answers-proposal');
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
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'tentative',
      proposedStartsAt: start,
      proposedEndsAt: end,
    });
    const notices = await noticesAbout(database.db, tenant, meetingId);
    expect(notices.map((notice) => notice.kind)).toEqual(['meeting_counter_proposed']);

    const [before] = await database.db.select().from(meetings).where(eq(meetings.id, meetingId));
    const moved = await acceptProposedTime(
      database.db,
      tenant.tutor,
      { id: meetingId, attendeeId, version: before?.version ?? 0 },
      new Date(),
    );
    expect(moved).toMatchObject({ startsAt: start, endsAt: end });
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({ proposedStartsAt: null });
  });
});

describe('CalDAV (Radicale)', () => {
  it('an answer given in Tandem sets the attendee’s PARTSTAT on the copy in their calendar', async () => {
    const tenant = await createTestTenant(database.db, 'answers-caldav');
    const connection = await insertTestConnection(database.db, registry, {
      tenantId: tenant.tenantId,
      userId: tenant.learner.userId,
      provider: 'caldav',
      accountEmail: LEO.email,
      credentials: { kind: 'caldav', serverUrl: radicale.url, ...LEO },
    });
    await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
    const leo = await primaryOf(connection);
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 2 * DAY);
    const meeting = await createMeeting(database.db, tenant.tutor, {
      ...meetingInput([tenant.learner.userId], 'CalDAV review'),
      startsAt: start,
      endsAt: new Date(start.getTime() + 3_600_000),
    });
    const attendeeId = meeting.attendees[0]?.id ?? '';
    await database.db
      .update(meetingAttendees)
      .set({ email: LEO.email })
      .where(eq(meetingAttendees.id, attendeeId));
    // The copy Tandem places in a calendar that cannot take invitations by email.
    const copy = await leo.provider.createEvent(leo.externalCalendarId, {
      title: meeting.title,
      description: null,
      location: null,
      onlineUrl: null,
      time: { kind: 'timed', start: meeting.startsAt, end: meeting.endsAt, timeZone: 'Europe/London' },
      recurrence: null,
      attendees: [{ email: LEO.email, name: 'Leo Martin', isOptional: false, response: 'needs_action' }],
      organizer: { email: 'tutor@northbridge.test', name: 'Priya Shah' },
      iCalUid: meeting.icalUid,
      tandemMeetingId: meeting.id,
      notifyAttendees: false,
    });
    await database.db
      .update(meetings)
      .set({ icalUid: copy.iCalUid ?? meeting.icalUid })
      .where(eq(meetings.id, meeting.id));
    await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: leo.calendarId });
    await respondToMeeting(
      database.db,
      tenant.learner,
      { id: meeting.id, response: 'tentative' },
      new Date(),
    );
    const written = await writeAnswer(
      { ...deps, mailer: offlineMailer },
      { tenantId: tenant.tenantId, meetingId: meeting.id, attendeeId },
    );
    expect(written).toEqual({ outcome: 'written', calendarId: leo.calendarId });
    const stored = await leo.provider.getEvent(leo.externalCalendarId, copy.externalId);
    expect(stored.attendees.find((a) => a.email === LEO.email)?.response).toBe('tentative');
    await syncCalendar(deps, { tenantId: tenant.tenantId, calendarId: leo.calendarId });
    expect(await attendeeRow(database.db, attendeeId)).toMatchObject({
      response: 'tentative',
      respondedVia: 'in_app',
    });
  });
});
