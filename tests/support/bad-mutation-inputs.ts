import { eq } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { meetingAttendees } from '@/server/db/schema';
import { meetingInput, seedActivity, taskInput, type TenantActivity } from './activity';
import { enableCalendarIntegration, seedConnection, type SeededConnection } from './connections';
import { adminConsentState, seedBulkRun, serviceAccountKeyJson } from './enterprise';
import type { TestTenant } from './fixtures';
import { STUB_WRONG_PASSWORD } from './stub-providers';

export interface Scene {
  tenant: TestTenant;
  activity: TenantActivity;
  /** The learner's calendar connection (the tenant has the integration on). */
  connection: SeededConnection;
  /** Bulk runs of the tenant's Microsoft 365 set-up, one cancelled and one running. */
  cancelledRunId: string;
  runningRunId: string;
  /** The state of the tenant admin's admin consent link for that set-up. */
  consentState: string;
}

/** A tenant's activity and a connection of its learner, for the bad-input suite. */
export async function seedScene(db: Database, tenant: TestTenant, label: string): Promise<Scene> {
  await enableCalendarIntegration(db, tenant.tenantId);
  const activity = await seedActivity(db, tenant, label);
  // The learner proposed another time, so that accepting it is a valid call.
  await db
    .update(meetingAttendees)
    .set({
      proposedStartsAt: new Date('2026-03-03T14:00:00Z'),
      proposedEndsAt: new Date('2026-03-03T14:45:00Z'),
    })
    .where(eq(meetingAttendees.id, activity.learnerAttendeeId));
  const cancelledRunId = await seedBulkRun(db, tenant, 'cancelled');
  return {
    tenant,
    activity,
    connection: await seedConnection(db, tenant.learner, label),
    cancelledRunId,
    runningRunId: await seedBulkRun(db, tenant, 'running'),
    consentState: await adminConsentState(db, tenant),
  };
}

type Input = Record<string, unknown>;

export interface MutationCases {
  /** Who calls it: someone allowed to, so that only the input is wrong. */
  as: 'admin' | 'tutor' | 'learner';
  /** An input that succeeds; the bad inputs are mostly variations of it. */
  valid: (scene: Scene) => Input;
  bad: Record<string, (scene: Scene) => unknown>;
}

const TEN_KB = 'x'.repeat(10_240);
/** Meeting locations hold at most 500 characters (after trimming). */
const LOCATION_TOO_LONG = 'x'.repeat(501);
const YEAR_3000 = new Date('3000-01-01T10:00:00Z');
const NOT_A_UUID = 'not-a-uuid';
const RANDOM_UUID = '6f1c1d9e-8f43-4a52-9b7e-0c6d2b1f4a11';
const at = (iso: string) => new Date(iso);
const without = (input: Input, key: string) =>
  Object.fromEntries(Object.entries(input).filter(([k]) => k !== key));
const thousand = (make: (i: number) => unknown) => Array.from({ length: 1000 }, (_, i) => make(i));

const validMeeting = ({ tenant }: Scene) => meetingInput([tenant.learner.userId]) as unknown as Input;
/** Seeded rows are never changed by this suite, so an edit of one starts from its first version. */
const editOf = (id: string) => ({ id, version: 1 });
const meetingUpdate = ({ activity }: Scene) => ({
  ...editOf(activity.meetingId),
  title: 'Moved',
  startsAt: at('2026-03-05T10:00:00Z'),
  endsAt: at('2026-03-05T11:00:00Z'),
});

const validCalDav = () => ({
  kind: 'caldav',
  serverUrl: 'https://dav.example.test/',
  username: 'learner',
  password: 'app-password',
});

const validExchange = () => ({
  serverUrl: 'https://mail.example.test/',
  email: 'learner@example.test',
  username: 'EXAMPLE\\learner',
  password: 'windows-password',
  auth: 'ntlm',
});

/** Every mutation of the router, keyed by path, with its bad inputs by name. */
export const BAD_MUTATION_INPUTS: Record<string, MutationCases> = {
  'connections.connectCalDav': {
    as: 'learner',
    valid: validCalDav,
    bad: {
      'unknown kind': () => ({ ...validCalDav(), kind: 'exchange' }),
      'CalDAV without a server address': () => without(validCalDav(), 'serverUrl'),
      'server address that is not a URL': () => ({ ...validCalDav(), serverUrl: 'my calendar server' }),
      'ftp server address': () => ({ ...validCalDav(), serverUrl: 'ftp://dav.example.test/' }),
      'script server address': () => ({ ...validCalDav(), serverUrl: 'javascript:alert(1)' }),
      '10 kB server address': () => ({ ...validCalDav(), serverUrl: `https://dav.example.test/${TEN_KB}` }),
      'blank user name': () => ({ ...validCalDav(), username: '   ' }),
      'user name with a NUL byte': () => ({ ...validCalDav(), username: 'ann\u0000' }),
      '10 kB user name': () => ({ ...validCalDav(), username: TEN_KB }),
      'missing password': () => without(validCalDav(), 'password'),
      '10 kB password': () => ({ ...validCalDav(), password: TEN_KB }),
      'password of the wrong type': () => ({ ...validCalDav(), password: 1234 }),
      'password the server refuses': () => ({ ...validCalDav(), password: STUB_WRONG_PASSWORD }),
      'iCloud with a password the server refuses': () => ({
        kind: 'icloud',
        username: 'ann@icloud.test',
        password: STUB_WRONG_PASSWORD,
      }),
    },
  },
  'connections.connectExchange': {
    as: 'learner',
    valid: validExchange,
    bad: {
      'unknown authentication': () => ({ ...validExchange(), auth: 'kerberos' }),
      'without a server address': () => without(validExchange(), 'serverUrl'),
      'server address that is not a URL': () => ({ ...validExchange(), serverUrl: 'mail server' }),
      'script server address': () => ({ ...validExchange(), serverUrl: 'javascript:alert(1)' }),
      '10 kB server address': () => ({
        ...validExchange(),
        serverUrl: `https://mail.example.test/${TEN_KB}`,
      }),
      'email that is not an address': () => ({ ...validExchange(), email: 'learner' }),
      'user name with a NUL byte': () => ({ ...validExchange(), username: 'ann\u0000' }),
      '10 kB user name': () => ({ ...validExchange(), username: TEN_KB }),
      'missing password': () => without(validExchange(), 'password'),
      '10 kB password': () => ({ ...validExchange(), password: TEN_KB }),
      'an unknown field': () => ({ ...validExchange(), impersonate: 'boss@example.test' }),
      'password the server refuses': () => ({ ...validExchange(), password: STUB_WRONG_PASSWORD }),
    },
  },
  'connections.updateCalendar': {
    as: 'learner',
    valid: ({ connection }) => ({
      calendarId: connection.writableCalendarId,
      show: false,
      busy: false,
      isWriteTarget: true,
    }),
    bad: {
      'invalid uuid': () => ({ calendarId: NOT_A_UUID, show: true }),
      'missing calendar': () => ({ show: true }),
      'nothing to change': ({ connection }) => ({ calendarId: connection.writableCalendarId }),
      'show as text': ({ connection }) => ({ calendarId: connection.writableCalendarId, show: 'yes' }),
      'busy as null': ({ connection }) => ({ calendarId: connection.writableCalendarId, busy: null }),
      'a read-only calendar as write target': ({ connection }) => ({
        calendarId: connection.readOnlyCalendarId,
        isWriteTarget: true,
      }),
    },
  },
  'connections.syncNow': {
    as: 'learner',
    valid: ({ connection }) => ({ connectionId: connection.connectionId }),
    bad: {
      'invalid uuid': () => ({ connectionId: NOT_A_UUID }),
      'missing id': () => ({}),
      '10 kB id': () => ({ connectionId: TEN_KB }),
    },
  },
  'connections.disconnect': {
    as: 'learner',
    valid: ({ connection }) => ({ connectionId: connection.connectionId }),
    bad: {
      'invalid uuid': () => ({ connectionId: NOT_A_UUID }),
      'missing id': () => ({}),
      'an object for an id': () => ({ connectionId: { not: null } }),
    },
  },
  'me.updateProfile': {
    as: 'learner',
    valid: () => ({
      name: 'New name',
      timeZone: 'America/New_York',
      locale: 'en-US',
      workingHours: { days: [1, 2], start: '08:00', end: '16:00' },
    }),
    bad: {
      'locale not offered': () => ({ locale: 'xx-YY' }),
      '10 kB locale': () => ({ locale: TEN_KB }),
      '10 kB name': () => ({ name: TEN_KB }),
      'blank name': () => ({ name: '   ' }),
      'name of the wrong type': () => ({ name: 42 }),
      'name with a NUL byte': () => ({ name: 'Ann\u0000Lee' }),
      'unknown time zone': () => ({ timeZone: 'Mars/Olympus' }),
      '10 kB time zone': () => ({ timeZone: TEN_KB }),
      'weekday 8': () => ({ workingHours: { days: [8], start: '09:00', end: '17:00' } }),
      'hours ending before they start': () => ({ workingHours: { days: [1], start: '17:00', end: '09:00' } }),
      'hour 25': () => ({ workingHours: { days: [1], start: '25:00', end: '26:00' } }),
      '1000 weekdays': () => ({ workingHours: { days: thousand(() => 1), start: '09:00', end: '17:00' } }),
      'working hours without times': () => ({ workingHours: { days: [1] } }),
    },
  },
  'notifications.markRead': {
    as: 'learner',
    valid: () => ({ ids: [RANDOM_UUID] }),
    bad: {
      'no ids': () => ({ ids: [] }),
      'invalid uuid': () => ({ ids: [NOT_A_UUID] }),
      'ids as a string': () => ({ ids: RANDOM_UUID }),
      '1000 ids': () => ({ ids: thousand(() => RANDOM_UUID) }),
      'id with a NUL byte': () => ({ ids: ['abc\u0000'] }),
    },
  },
  'notifications.markAllRead': {
    as: 'learner',
    valid: () => ({}),
    bad: {
      'ids it does not take': () => ({ ids: [RANDOM_UUID] }),
    },
  },
  'notifications.setPreference': {
    as: 'learner',
    valid: () => ({ kind: 'meeting_response', email: true }),
    bad: {
      'unknown kind': () => ({ kind: 'party_invite', email: true }),
      'missing kind': () => ({ email: true }),
      'nothing to change': () => ({ kind: 'meeting_response' }),
      'email as text': () => ({ kind: 'meeting_response', email: 'yes' }),
      'in Tandem as null': () => ({ kind: 'meeting_response', inApp: null }),
      '10 kB kind': () => ({ kind: TEN_KB, email: true }),
    },
  },
  'meetings.create': {
    as: 'tutor',
    valid: validMeeting,
    bad: {
      'missing title': (scene) => without(validMeeting(scene), 'title'),
      '10 kB title': (scene) => ({ ...validMeeting(scene), title: TEN_KB }),
      'title with a NUL byte': (scene) => ({ ...validMeeting(scene), title: 'Check\u0000in' }),
      '100 kB description': (scene) => ({ ...validMeeting(scene), description: TEN_KB.repeat(10) }),
      'location one character over the limit': (scene) => ({
        ...validMeeting(scene),
        location: LOCATION_TOO_LONG,
      }),
      '1000 attendees': (scene) => ({ ...validMeeting(scene), attendeeUserIds: thousand(() => RANDOM_UUID) }),
      'no attendees': (scene) => ({ ...validMeeting(scene), attendeeUserIds: [] }),
      'attendees as a string': (scene) => ({
        ...validMeeting(scene),
        attendeeUserIds: scene.tenant.learner.userId,
      }),
      'attendee id with a NUL byte': (scene) => ({ ...validMeeting(scene), attendeeUserIds: ['abc\u0000'] }),
      'attendee who is nobody': (scene) => ({ ...validMeeting(scene), attendeeUserIds: [RANDOM_UUID] }),
      'guest without an email address': (scene) => ({
        ...validMeeting(scene),
        guests: [{ email: 'not an address', name: 'Morgan Lee' }],
      }),
      'the same guest twice': (scene) => ({
        ...validMeeting(scene),
        guests: [
          { email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' },
          { email: 'Morgan.Lee@Brightworks.test', name: null },
        ],
      }),
      '21 guests': (scene) => ({
        ...validMeeting(scene),
        guests: Array.from({ length: 21 }, (_, i) => ({ email: `guest${i}@brightworks.test`, name: null })),
      }),
      'guest with an unknown field': (scene) => ({
        ...validMeeting(scene),
        guests: [{ email: 'morgan.lee@brightworks.test', name: null, userId: RANDOM_UUID }],
      }),
      'guest name of 10 kB': (scene) => ({
        ...validMeeting(scene),
        guests: [{ email: 'morgan.lee@brightworks.test', name: TEN_KB }],
      }),
      'start as text': (scene) => ({ ...validMeeting(scene), startsAt: 'tomorrow at ten' }),
      'invalid date': (scene) => ({ ...validMeeting(scene), startsAt: new Date(Number.NaN) }),
      'end before start': (scene) => ({ ...validMeeting(scene), endsAt: at('2026-03-03T09:00:00Z') }),
      'zero length': (scene) => ({ ...validMeeting(scene), endsAt: at('2026-03-03T10:00:00Z') }),
      'a week long': (scene) => ({ ...validMeeting(scene), endsAt: at('2026-03-10T10:00:00Z') }),
      'year 3000': (scene) => ({
        ...validMeeting(scene),
        startsAt: YEAR_3000,
        endsAt: at('3000-01-01T11:00:00Z'),
      }),
      'year 1900': (scene) => ({
        ...validMeeting(scene),
        startsAt: at('1900-01-01T10:00:00Z'),
        endsAt: at('1900-01-01T11:00:00Z'),
      }),
      'unknown time zone': (scene) => ({ ...validMeeting(scene), timeZone: 'Mars/Olympus' }),
      'unknown kind': (scene) => ({ ...validMeeting(scene), kind: 'party' }),
      'script link': (scene) => ({ ...validMeeting(scene), onlineUrl: 'javascript:alert(1)' }),
      'link with a NUL byte': (scene) => ({
        ...validMeeting(scene),
        onlineUrl: 'https://meet.example/\u0000',
      }),
    },
  },
  'meetings.update': {
    as: 'tutor',
    valid: meetingUpdate,
    bad: {
      'invalid uuid': (scene) => ({ ...meetingUpdate(scene), id: NOT_A_UUID }),
      'missing id': (scene) => without(meetingUpdate(scene), 'id'),
      'missing version': (scene) => without(meetingUpdate(scene), 'version'),
      'version of the wrong type': (scene) => ({ ...meetingUpdate(scene), version: '1' }),
      'end before the current start': ({ activity }) => ({
        ...editOf(activity.meetingId),
        endsAt: at('2026-03-03T09:00:00Z'),
      }),
      'start after the current end': ({ activity }) => ({
        ...editOf(activity.meetingId),
        startsAt: at('2026-03-03T12:00:00Z'),
      }),
      'end a month after the current start': ({ activity }) => ({
        ...editOf(activity.meetingId),
        endsAt: at('2026-04-03T10:00:00Z'),
      }),
      'year 3000': ({ activity }) => ({
        ...editOf(activity.meetingId),
        startsAt: YEAR_3000,
        endsAt: at('3000-01-01T11:00:00Z'),
      }),
      '10 kB title': ({ activity }) => ({ ...editOf(activity.meetingId), title: TEN_KB }),
      'location with a NUL byte': ({ activity }) => ({
        ...editOf(activity.meetingId),
        location: 'Room\u00002',
      }),
      'location one character over the limit': ({ activity }) => ({
        ...editOf(activity.meetingId),
        location: LOCATION_TOO_LONG,
      }),
      '1000 attendees': ({ activity, tenant }) => ({
        ...editOf(activity.meetingId),
        attendeeUserIds: thousand(() => tenant.learner.userId),
      }),
      'no attendees': ({ activity }) => ({ ...editOf(activity.meetingId), attendeeUserIds: [] }),
      'attendee who is nobody': ({ activity }) => ({
        ...editOf(activity.meetingId),
        attendeeUserIds: [RANDOM_UUID],
      }),
      'unknown time zone': ({ activity }) => ({ ...editOf(activity.meetingId), timeZone: 'Mars/Olympus' }),
    },
  },
  'meetings.cancel': {
    as: 'tutor',
    valid: ({ activity }) => ({ id: activity.meetingId }),
    bad: {
      'invalid uuid': () => ({ id: NOT_A_UUID }),
      'missing id': () => ({}),
      'null id': () => ({ id: null }),
      '10 kB id': () => ({ id: TEN_KB }),
    },
  },
  'meetings.respond': {
    as: 'learner',
    valid: ({ activity }) => ({ id: activity.meetingId, response: 'accepted' }),
    bad: {
      'unknown answer': ({ activity }) => ({ id: activity.meetingId, response: 'maybe' }),
      'missing answer': ({ activity }) => ({ id: activity.meetingId }),
      '10 kB answer': ({ activity }) => ({ id: activity.meetingId, response: TEN_KB }),
      'invalid uuid': () => ({ id: NOT_A_UUID, response: 'accepted' }),
      '10 kB comment': ({ activity }) => ({ id: activity.meetingId, response: 'accepted', comment: TEN_KB }),
      'comment with a NUL byte': ({ activity }) => ({
        id: activity.meetingId,
        response: 'declined',
        comment: 'No\u0000',
      }),
      'comment as a number': ({ activity }) => ({
        id: activity.meetingId,
        response: 'accepted',
        comment: 42,
      }),
    },
  },
  'meetings.acceptProposedTime': {
    as: 'tutor',
    valid: ({ activity }) => ({ id: activity.meetingId, attendeeId: activity.learnerAttendeeId, version: 1 }),
    bad: {
      'invalid meeting uuid': ({ activity }) => ({
        id: NOT_A_UUID,
        attendeeId: activity.learnerAttendeeId,
        version: 1,
      }),
      'invalid attendee uuid': ({ activity }) => ({
        id: activity.meetingId,
        attendeeId: NOT_A_UUID,
        version: 1,
      }),
      'missing version': ({ activity }) => ({
        id: activity.meetingId,
        attendeeId: activity.learnerAttendeeId,
      }),
      'version zero': ({ activity }) => ({
        id: activity.meetingId,
        attendeeId: activity.learnerAttendeeId,
        version: 0,
      }),
      'fractional version': ({ activity }) => ({
        id: activity.meetingId,
        attendeeId: activity.learnerAttendeeId,
        version: 1.5,
      }),
      '10 kB attendee id': ({ activity }) => ({ id: activity.meetingId, attendeeId: TEN_KB, version: 1 }),
    },
  },
  'tasks.create': {
    as: 'learner',
    valid: () => taskInput('Practice interview'),
    bad: {
      'missing title': () => without(taskInput(), 'title'),
      'empty title': () => ({ ...taskInput(), title: '' }),
      '10 kB title': () => ({ ...taskInput(), title: TEN_KB }),
      'title with a NUL byte': () => ({ ...taskInput(), title: 'CV\u0000' }),
      '100 kB notes': () => ({ ...taskInput(), notes: TEN_KB.repeat(10) }),
      'due as text': () => ({ ...taskInput(), dueAt: 'next week' }),
      'invalid date': () => ({ ...taskInput(), dueAt: new Date(Number.NaN) }),
      'due in year 3000': () => ({ ...taskInput(), dueAt: YEAR_3000 }),
      'negative duration': () => ({ ...taskInput(), durationMinutes: -30 }),
      'zero duration': () => ({ ...taskInput(), durationMinutes: 0 }),
      'fractional duration': () => ({ ...taskInput(), durationMinutes: 1.5 }),
      'a year long': () => ({ ...taskInput(), durationMinutes: 525_600 }),
    },
  },
  'tasks.update': {
    as: 'learner',
    valid: ({ activity }) => ({ ...editOf(activity.learnerTaskId), title: 'Renamed', durationMinutes: 45 }),
    bad: {
      'invalid uuid': () => ({ id: NOT_A_UUID, version: 1, title: 'Renamed' }),
      'missing version': ({ activity }) => ({ id: activity.learnerTaskId, title: 'Renamed' }),
      'zero version': ({ activity }) => ({ ...editOf(activity.learnerTaskId), version: 0, title: 'Renamed' }),
      'negative duration': ({ activity }) => ({ ...editOf(activity.learnerTaskId), durationMinutes: -15 }),
      'due in year 3000': ({ activity }) => ({ ...editOf(activity.learnerTaskId), dueAt: YEAR_3000 }),
      '10 kB title': ({ activity }) => ({ ...editOf(activity.learnerTaskId), title: TEN_KB }),
      'title of the wrong type': ({ activity }) => ({ ...editOf(activity.learnerTaskId), title: 42 }),
    },
  },
  'tasks.setDone': {
    as: 'learner',
    valid: ({ activity }) => ({ id: activity.learnerTaskId, done: true }),
    bad: {
      'done as text': ({ activity }) => ({ id: activity.learnerTaskId, done: 'yes' }),
      'missing done': ({ activity }) => ({ id: activity.learnerTaskId }),
      'invalid uuid': () => ({ id: NOT_A_UUID, done: true }),
    },
  },
  'tasks.delete': {
    as: 'learner',
    valid: ({ activity }) => ({ id: activity.learnerTaskId }),
    bad: {
      'invalid uuid': () => ({ id: NOT_A_UUID }),
      'missing id': () => ({}),
      'an object for an id': () => ({ id: { not: null } }),
    },
  },
  'connectionHealth.syncNow': {
    as: 'admin',
    valid: ({ connection }) => ({ connectionId: connection.connectionId }),
    bad: {
      'invalid uuid': () => ({ connectionId: NOT_A_UUID }),
      'missing id': () => ({}),
      '10 kB id': () => ({ connectionId: TEN_KB }),
    },
  },
  'connectionHealth.askToReconnect': {
    as: 'admin',
    valid: ({ connection }) => ({ connectionId: connection.connectionId }),
    bad: {
      'invalid uuid': () => ({ connectionId: NOT_A_UUID }),
      'missing id': () => ({}),
      '10 kB id': () => ({ connectionId: TEN_KB }),
    },
  },
  'connectionHealth.remove': {
    as: 'admin',
    valid: ({ connection }) => ({ connectionId: connection.connectionId }),
    bad: {
      'invalid uuid': () => ({ connectionId: NOT_A_UUID }),
      'missing id': () => ({}),
      '10 kB id': () => ({ connectionId: TEN_KB }),
    },
  },
  'enterprise.saveMicrosoft': {
    as: 'admin',
    valid: () => ({ directory: 'contoso.test', clientId: 'app-id', clientSecret: 'app-secret' }),
    bad: {
      'a directory with spaces': () => ({ directory: 'con toso', clientId: 'app-id', clientSecret: 's' }),
      'no client id': () => ({ directory: 'contoso.test', clientSecret: 's' }),
      'a 10 KB secret': () => ({ directory: 'contoso.test', clientId: 'app-id', clientSecret: TEN_KB }),
    },
  },
  'enterprise.saveGoogle': {
    as: 'admin',
    valid: () => ({ domain: 'acme.test', directoryAdmin: 'it@acme.test', keyJson: serviceAccountKeyJson() }),
    bad: {
      'a domain with spaces': () => ({ domain: 'ac me.test', directoryAdmin: 'it@acme.test' }),
      'an admin that is not an address': () => ({ domain: 'acme.test', directoryAdmin: 'it' }),
      'a 30 KB key': () => ({
        domain: 'acme.test',
        directoryAdmin: 'it@acme.test',
        keyJson: TEN_KB.repeat(3),
      }),
    },
  },
  'enterprise.saveExchange': {
    as: 'admin',
    // A name that resolves nowhere: saving checks no server (Test does).
    valid: () => ({
      serverUrl: 'https://mail.contoso.test',
      username: 'svc-tandem@contoso.test',
      password: 'svc-secret',
      auth: 'ntlm',
    }),
    bad: {
      'an http server address': () => ({
        serverUrl: 'http://mail.contoso.test',
        username: 'svc',
        password: 's',
        auth: 'ntlm',
      }),
      'neither a server nor an Autodiscover address': () => ({
        username: 'svc',
        password: 's',
        auth: 'ntlm',
      }),
      'an unknown authentication': () => ({
        serverUrl: 'https://mail.contoso.test',
        username: 'svc',
        password: 's',
        auth: 'kerberos',
      }),
      'a 10 KB password': () => ({
        serverUrl: 'https://mail.contoso.test',
        username: 'svc',
        password: TEN_KB,
        auth: 'ntlm',
      }),
    },
  },
  'enterprise.remove': {
    as: 'admin',
    valid: () => ({ provider: 'microsoft' }),
    bad: { 'an unknown provider': () => ({ provider: 'martian' }), 'no provider': () => ({}) },
  },
  'enterprise.acknowledgeConsent': {
    as: 'admin',
    valid: ({ consentState }) => ({ state: consentState, admin_consent: 'True', tenant: 'contoso.test' }),
    bad: {
      'no state': () => ({ admin_consent: 'True', tenant: 'contoso.test' }),
      'a forged state': () => ({ state: '12345', admin_consent: 'True', tenant: 'contoso.test' }),
      'a 10 kB state': () => ({ state: TEN_KB, admin_consent: 'True' }),
      'neither granted nor refused': ({ consentState }) => ({ state: consentState }),
      'a 10 kB error description': ({ consentState }) => ({
        state: consentState,
        error: 'access_denied',
        error_description: TEN_KB,
      }),
    },
  },
  'enterprise.test': {
    as: 'admin',
    valid: () => ({ provider: 'microsoft', address: 'someone@contoso.test' }),
    bad: {
      'not an address': () => ({ provider: 'microsoft', address: 'someone' }),
      'no address': () => ({ provider: 'microsoft' }),
    },
  },
  'enterprise.preview': {
    as: 'admin',
    valid: () => ({ provider: 'microsoft', selection: { kind: 'csv', emails: ['not-an-address'] } }),
    bad: {
      'an unknown selection': () => ({ provider: 'microsoft', selection: { kind: 'everyone' } }),
      'an empty CSV': () => ({ provider: 'microsoft', selection: { kind: 'csv', emails: [] } }),
      '5001 rows': () => ({
        provider: 'microsoft',
        selection: { kind: 'csv', emails: Array.from({ length: 5001 }, () => 'a@b.test') },
      }),
    },
  },
  'enterprise.startBulk': {
    as: 'admin',
    valid: () => ({ provider: 'microsoft', selection: { kind: 'csv', emails: ['not-an-address'] } }),
    bad: {
      'picked nobody': () => ({ provider: 'microsoft', selection: { kind: 'picked', userIds: [] } }),
      'no selection': () => ({ provider: 'microsoft' }),
    },
  },
  'enterprise.cancelBulk': {
    as: 'admin',
    valid: ({ runningRunId }) => ({ runId: runningRunId }),
    bad: { 'invalid uuid': () => ({ runId: NOT_A_UUID }), 'missing id': () => ({}) },
  },
  'enterprise.resumeBulk': {
    as: 'admin',
    valid: ({ cancelledRunId }) => ({ runId: cancelledRunId }),
    bad: { 'invalid uuid': () => ({ runId: NOT_A_UUID }), 'missing id': () => ({}) },
  },
  'tenant.updateCalendarIntegration': {
    as: 'admin',
    valid: () => ({ enabled: true, allowedProviders: ['google', 'microsoft'] }),
    bad: {
      'enabled as text': () => ({ enabled: 'yes' }),
      'unknown provider': () => ({ allowedProviders: ['martian'] }),
      'providers as a string': () => ({ allowedProviders: 'google' }),
      '1000 providers': () => ({ allowedProviders: thousand(() => 'google') }),
    },
  },
};

/** Malformed in the same way for every mutation. */
export const MALFORMED_FOR_EVERY_MUTATION: Record<string, (valid: Input) => unknown> = {
  'no input': () => undefined,
  null: () => null,
  'a string': () => 'junk',
  'a number': () => 42,
  'an array': (valid) => [valid],
  'an extra field': (valid) => ({ ...valid, junk: 'extra' }),
  'a tenant id smuggled in': (valid) => ({ ...valid, tenantId: '00000000-0000-4000-8000-000000000000' }),
};
