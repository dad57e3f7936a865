/**
 * Test support for the answers suites against the emulators and Radicale: connect an emulated
 * account as a Tandem member, send a meeting whose organiser's copy is placed by hand (as the
 * delivery job will), find the attendee's own copy, sync.
 */
import { and, eq } from 'drizzle-orm';
import type { GoogleTestbed } from '@/emulators/google/testbed';
import type { MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import type { ConnectionRow } from '@/server/connections/provider-registry';
import { calendars, meetingAttendees, meetings } from '@/server/db/schema';
import { createMeeting } from '@/server/meetings/schedule';
import type { CalendarProvider, ProviderEvent } from '@/server/providers/types';
import { refreshCalendarList } from '@/server/sync/calendar-list';
import type { SyncDeps } from '@/server/sync/deps';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { meetingInput, scheduleDeps } from './activity';
import {
  connectGoogleAccount,
  insertTestConnection,
  oauthCredentials,
  type EmulatorRegistry,
} from './emulator-registry';
import type { TestTenant } from './fixtures';

export const DAY = 86_400_000;

export interface AnswerWorld {
  deps: SyncDeps;
  registry: EmulatorRegistry;
  google?: GoogleTestbed;
  microsoft?: MicrosoftTestbed;
}

export interface Connected {
  connection: ConnectionRow;
  /** Tandem's id of the write-target calendar, and the provider's. */
  calendarId: string;
  externalCalendarId: string;
  provider: CalendarProvider;
}

export function answerCalendars(world: () => AnswerWorld) {
  const db = () => world().deps.db;

  async function primaryOf(connection: ConnectionRow): Promise<Connected> {
    const [calendar] = await db()
      .select()
      .from(calendars)
      .where(and(eq(calendars.connectionId, connection.id), eq(calendars.isWriteTarget, true)));
    if (!calendar) throw new Error('no write target');
    return {
      connection,
      calendarId: calendar.id,
      externalCalendarId: calendar.externalId,
      provider: await world().registry.forConnection(db(), connection),
    };
  }

  async function connectGoogle(tenant: TestTenant, userId: string, email: string): Promise<Connected> {
    const { deps, registry, google } = world();
    if (!google) throw new Error('no Google testbed');
    const { connection } = await connectGoogleAccount(deps, registry, google, {
      tenantId: tenant.tenantId,
      userId,
      email,
    });
    return primaryOf(connection);
  }

  async function connectMicrosoft(tenant: TestTenant, userId: string, email: string): Promise<Connected> {
    const { deps, registry, microsoft } = world();
    if (!microsoft) throw new Error('no Microsoft testbed');
    const connection = await insertTestConnection(deps.db, registry, {
      tenantId: tenant.tenantId,
      userId,
      provider: 'microsoft',
      accountEmail: email,
      credentials: oauthCredentials(await microsoft.signIn(email)),
    });
    await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
    return primaryOf(connection);
  }

  async function connectCalDav(
    tenant: TestTenant,
    userId: string,
    account: { serverUrl: string; username: string; password: string; email: string },
  ): Promise<Connected> {
    const { deps, registry } = world();
    const connection = await insertTestConnection(deps.db, registry, {
      tenantId: tenant.tenantId,
      userId,
      provider: 'caldav',
      accountEmail: account.email,
      credentials: { kind: 'caldav', ...account },
    });
    await refreshCalendarList(deps, { tenantId: tenant.tenantId, connectionId: connection.id });
    return primaryOf(connection);
  }

  /**
   * A meeting from the tutor to the learner, invited at `learnerAddress`, with the organiser's copy
   * in `organizer`'s calendar; the meeting takes the copy's UID, as delivery links them.
   */
  async function sentMeeting(
    tenant: TestTenant,
    organizer: Connected,
    learnerAddress: string,
    options: { organizerOfCopy?: { email: string; name: string | null } } = {},
  ) {
    const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * DAY);
    const meeting = await createMeeting(scheduleDeps(db()), tenant.tutor, {
      ...meetingInput([tenant.learner.userId], 'Review with learner'),
      startsAt: start,
      endsAt: new Date(start.getTime() + 3_600_000),
    });
    const attendeeId = meeting.attendees[0]?.id ?? '';
    await db()
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
      attendees: [{ email: learnerAddress, name: null, isOptional: false, response: 'needs_action' }],
      ...(options.organizerOfCopy ? { organizer: options.organizerOfCopy } : {}),
      tandemMeetingId: meeting.id,
      iCalUid: meeting.icalUid,
      notifyAttendees: !options.organizerOfCopy,
    });
    await db()
      .update(meetings)
      .set({ icalUid: copy.iCalUid ?? meeting.icalUid })
      .where(eq(meetings.id, meeting.id));
    return { meetingId: meeting.id, attendeeId, copy };
  }

  async function ownCopyIn(attendee: Connected, copy: ProviderEvent): Promise<ProviderEvent> {
    if (copy.time.kind !== 'timed') throw new Error('timed copies only');
    const events = await attendee.provider.readEvents(attendee.externalCalendarId, {
      start: new Date(copy.time.start.getTime() - DAY),
      end: new Date(copy.time.end.getTime() + DAY),
    });
    const found = events.find((event) => event.iCalUid === copy.iCalUid);
    if (!found) throw new Error('the attendee has no copy');
    return found;
  }

  const sync = (tenant: TestTenant, calendar: Connected) =>
    syncCalendar(world().deps, { tenantId: tenant.tenantId, calendarId: calendar.calendarId });

  return { connectGoogle, connectMicrosoft, connectCalDav, sentMeeting, ownCopyIn, sync };
}

export const selfResponse = (event: ProviderEvent) =>
  event.attendees.find((attendee) => attendee.isSelf)?.response;
