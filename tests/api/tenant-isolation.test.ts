import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { meetingAttendees, notifications } from '@/server/db/schema';
import {
  ACTIVITY_WEEK,
  meetingInput,
  seedActivity,
  taskInput,
  type TenantActivity,
} from '@/tests/support/activity';
import { callProcedure, describeOutcome, listProcedures, sessionOf, testJobs } from '@/tests/support/api';
import {
  enableCalendarIntegration,
  seedConnection,
  type SeededConnection,
} from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { jobsNotOwnedBy } from '@/tests/support/job-ownership';
import { adminConsentState, seedBulkRun } from '@/tests/support/enterprise';
import { snapshotDatabase, type Snapshot } from '@/tests/support/snapshot';

/** Procedures anyone may call without signing in. None yet: add one here deliberately. */
const PUBLIC_PROCEDURES: string[] = [];

interface Target {
  victim: TestTenant;
  victimActivity: TenantActivity;
  /** A meeting the intruders' own tutor organised. */
  intruderMeetingId: string;
  /** The victim learner's calendar connection, and the intruding learner's own. */
  victimConnection: SeededConnection;
  intruderConnection: SeededConnection;
  /** The victim learner's invitation to the seeded meeting (unread). */
  victimNotificationIds: string[];
  /** A bulk run of the victim's enterprise access (cancelled, so it could be resumed). */
  victimRunId: string;
  /** The victim admin's admin consent state, and one sealed for the intruding admin naming the victim's set-up. */
  victimConsentState: string;
  intruderConsentStateForVictim: string;
}

/**
 * For every procedure, the inputs an intruder would try against the victim tenant. A procedure
 * without an entry fails the suite: decide how it could leak before adding it to the router.
 */
const ATTACKS: Record<string, (target: Target) => unknown[]> = {
  'auditLog.list': ({ victim }) => [
    undefined,
    { filters: { personId: victim.admin.userId } },
    { filters: { action: 'connection.removed' }, page: 1 },
  ],
  'auditLog.people': () => [undefined],
  'auditLog.exportCsv': ({ victim }) => [{}, { personId: victim.admin.userId }],
  'calendar.feed': () => [ACTIVITY_WEEK, { ...ACTIVITY_WEEK, knownVersion: 'AAAAAAAAAAAAAAAAAAAAAA' }],
  'connections.list': () => [undefined],
  'connections.connectCalDav': () => [
    {
      kind: 'caldav',
      serverUrl: 'https://dav.example.test/',
      username: 'intruder',
      password: 'intruder-password',
    },
  ],
  'connections.connectExchange': () => [
    {
      serverUrl: 'https://mail.example.test/',
      email: 'intruder@example.test',
      password: 'intruder-password',
      auth: 'basic',
    },
  ],
  'connections.updateCalendar': ({ victimConnection, intruderConnection }) => [
    { calendarId: victimConnection.writableCalendarId, show: false, busy: false },
    { calendarId: victimConnection.readOnlyCalendarId, isWriteTarget: true },
    // The intruder's own write target: must not clear the victim's.
    { calendarId: intruderConnection.writableCalendarId, isWriteTarget: true },
  ],
  'connections.syncNow': ({ victimConnection, intruderConnection }) => [
    { connectionId: victimConnection.connectionId },
    // The intruding learner's own: its syncs are theirs; any other intruder must get none queued.
    { connectionId: intruderConnection.connectionId },
  ],
  'connections.disconnect': ({ victimConnection }) => [{ connectionId: victimConnection.connectionId }],
  'connectionHealth.list': () => [undefined, { filter: 'never_synced' }, { filter: 'all', page: 2 }],
  'connectionHealth.syncNow': ({ victimConnection }) => [{ connectionId: victimConnection.connectionId }],
  'connectionHealth.askToReconnect': ({ victimConnection }) => [
    { connectionId: victimConnection.connectionId },
  ],
  'connectionHealth.remove': ({ victimConnection }) => [{ connectionId: victimConnection.connectionId }],
  'me.profile': () => [undefined],
  'me.updateProfile': () => [{ name: 'Renamed intruder' }],
  'me.members': () => [undefined, { role: 'learner' }],
  'meetings.get': ({ victimActivity }) => [
    { id: victimActivity.meetingId },
    { id: victimActivity.meetingId, originalStartsAt: new Date('2026-03-03T10:00:00Z') },
  ],
  'meetings.create': ({ victim }) => [
    meetingInput([victim.learner.userId]),
    meetingInput([victim.tutor.userId]),
  ],
  'meetings.update': ({ victim, victimActivity, intruderMeetingId }) => [
    // Version 1: the seeded meetings are never changed, so only tenancy can refuse these.
    { id: victimActivity.meetingId, version: 1, title: 'Hijacked' },
    { id: intruderMeetingId, version: 1, attendeeUserIds: [victim.learner.userId] },
  ],
  'meetings.cancel': ({ victimActivity }) => [{ id: victimActivity.meetingId }],
  'meetings.respond': ({ victimActivity }) => [
    { id: victimActivity.meetingId, response: 'declined', comment: 'Hijacked' },
  ],
  'meetings.acceptProposedTime': ({ victimActivity, intruderMeetingId }) => [
    // The victim learner has proposed a time (set up below): only tenancy can refuse this.
    { id: victimActivity.meetingId, attendeeId: victimActivity.learnerAttendeeId, version: 1 },
    // The intruder's own meeting, with the victim's attendee row.
    { id: intruderMeetingId, attendeeId: victimActivity.learnerAttendeeId, version: 1 },
  ],
  'notifications.list': ({ victimNotificationIds }) => [
    undefined,
    // A cursor made of the victim's notification must page only through the intruder's own.
    { cursor: `${Date.now()}_${victimNotificationIds[0] ?? ''}` },
  ],
  'notifications.unreadCount': () => [undefined],
  'notifications.markRead': ({ victimNotificationIds }) => [{ ids: victimNotificationIds }],
  'notifications.markAllRead': () => [{}],
  'notifications.preferences': () => [undefined],
  'notifications.setPreference': () => [{ kind: 'meeting_invited', inApp: false, email: false }],
  'scheduling.people': () => [undefined, { search: 'victim' }],
  'scheduling.availability': ({ victim }) => [
    { userIds: [victim.learner.userId], from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' },
    { userIds: [victim.tutor.userId], optionalUserIds: [victim.admin.userId], ...SCHEDULING_WEEK },
  ],
  'scheduling.suggestions': ({ victim }) => [
    { userIds: [victim.learner.userId], durationMinutes: 30, ...SCHEDULING_WEEK },
  ],
  'scheduling.clashes': ({ victim, victimActivity }) => [
    { userIds: [victim.learner.userId], start: '2026-03-03T09:00:00Z', end: '2026-03-03T10:00:00Z' },
    // The victim's meeting as the one "being edited": must reveal nothing of it.
    { userIds: [victim.learner.userId], ...SCHEDULING_CLASH, ignoreMeetingId: victimActivity.meetingId },
  ],
  // Only ever the caller's own: nothing of the victim can be named.
  'scheduling.myAvailability': () => [SCHEDULING_WEEK],
  'tasks.create': () => [taskInput('Intruder task')],
  'tasks.get': ({ victimActivity }) => [
    { id: victimActivity.learnerTaskId },
    { id: victimActivity.tutorTaskId },
  ],
  'tasks.update': ({ victimActivity }) => [
    { id: victimActivity.tutorTaskId, version: 1, title: 'Hijacked' },
    { id: victimActivity.learnerTaskId, version: 1, durationMinutes: 60 },
  ],
  'tasks.setDone': ({ victimActivity }) => [{ id: victimActivity.learnerTaskId, done: true }],
  'tasks.delete': ({ victimActivity }) => [{ id: victimActivity.tutorTaskId }],
  'enterprise.overview': () => [undefined],
  // No secret and no stored set-up of the intruder's own: refused before anything is stored.
  'enterprise.saveMicrosoft': () => [{ directory: 'victim.test', clientId: 'victim-app' }],
  'enterprise.saveGoogle': () => [{ domain: 'victim.test', directoryAdmin: 'admin@victim.test' }],
  'enterprise.saveExchange': () => [
    { serverUrl: 'https://mail.victim.test', username: 'svc@victim.test', auth: 'ntlm' },
  ],
  'enterprise.remove': () => [
    { provider: 'microsoft' },
    { provider: 'google' },
    { provider: 'ews_impersonation' },
  ],
  'enterprise.acknowledgeConsent': ({ victimConsentState, intruderConsentStateForVictim }) => [
    { state: victimConsentState, admin_consent: 'True', tenant: 'victim.test' },
    { state: intruderConsentStateForVictim, error: 'access_denied', error_description: 'declined' },
  ],
  'enterprise.test': () => [
    { provider: 'microsoft', address: 'learner@victim.test' },
    { provider: 'google', address: 'learner@victim.test' },
    { provider: 'ews_impersonation', address: 'learner@victim.test' },
  ],
  'enterprise.preview': () => [
    { provider: 'microsoft', selection: { kind: 'learners' } },
    { provider: 'google', selection: { kind: 'learners' } },
    { provider: 'ews_impersonation', selection: { kind: 'learners' } },
  ],
  'enterprise.startBulk': () => [{ provider: 'microsoft', selection: { kind: 'learners' } }],
  'enterprise.latestBulkRun': () => [undefined],
  'enterprise.bulkRun': ({ victimRunId }) => [{ runId: victimRunId }],
  'enterprise.bulkRunCsv': ({ victimRunId }) => [{ runId: victimRunId }],
  'enterprise.cancelBulk': ({ victimRunId }) => [{ runId: victimRunId }],
  'enterprise.resumeBulk': ({ victimRunId }) => [{ runId: victimRunId }],
  'tenant.calendarIntegration': () => [undefined],
  'tenant.updateCalendarIntegration': () => [{ enabled: true, allowedProviders: ['google'] }],
};

const SCHEDULING_WEEK = { from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' };
const SCHEDULING_CLASH = { start: '2026-03-03T10:00:00Z', end: '2026-03-03T10:45:00Z' };

/** Refusals that reveal nothing; anything else (notably INTERNAL_SERVER_ERROR) fails. */
const QUIET_REFUSALS = ['NOT_FOUND', 'FORBIDDEN', 'BAD_REQUEST'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const PROCEDURES = listProcedures();

let database: TestDatabase;
let target: Target;
let intruder: TestTenant;
let victimBefore: Snapshot;
let victimSecrets: string[];

beforeAll(async () => {
  database = await useTestDatabase();
  const victim = await createTestTenant(database.db, 'victim');
  intruder = await createTestTenant(database.db, 'intruder');
  const victimActivity = await seedActivity(database.db, victim, 'victim');
  const intruderActivity = await seedActivity(database.db, intruder, 'intruder');
  await enableCalendarIntegration(database.db, victim.tenantId);
  await enableCalendarIntegration(database.db, intruder.tenantId);
  target = {
    victim,
    victimActivity,
    intruderMeetingId: intruderActivity.meetingId,
    victimConnection: await seedConnection(database.db, victim.learner, 'victim'),
    intruderConnection: await seedConnection(database.db, intruder.learner, 'intruder'),
    victimRunId: await seedBulkRun(database.db, victim),
    victimConsentState: '',
    intruderConsentStateForVictim: '',
    victimNotificationIds: (
      await database.db
        .select({ id: notifications.id })
        .from(notifications)
        .where(eq(notifications.tenantId, victim.tenantId))
    ).map((row) => row.id),
  };
  expect(target.victimNotificationIds.length).toBeGreaterThan(0);
  target.victimConsentState = await adminConsentState(database.db, victim);
  target.intruderConsentStateForVictim = await adminConsentState(
    database.db,
    intruder,
    intruder.admin,
    victim,
  );
  await database.db
    .update(meetingAttendees)
    .set({
      proposedStartsAt: new Date('2026-03-03T14:00:00Z'),
      proposedEndsAt: new Date('2026-03-03T14:45:00Z'),
    })
    .where(eq(meetingAttendees.id, victimActivity.learnerAttendeeId));
  victimBefore = await snapshotDatabase(database.db, victim.tenantId);
  // Every id in the victim's rows, and the word every victim name, email and title contains.
  victimSecrets = [...new Set(JSON.stringify(victimBefore).match(UUID) ?? []), 'victim'];
});

function leakedSecrets(value: unknown): string[] {
  const text = JSON.stringify(value ?? null).toLowerCase();
  return victimSecrets.filter((secret) => text.includes(secret.toLowerCase()));
}

describe('the attack table', () => {
  it('has a case for exactly the procedures of the router', () => {
    expect(Object.keys(ATTACKS).sort()).toEqual(PROCEDURES.map((procedure) => procedure.path));
  });

  it('lists only public procedures that exist', () => {
    const paths = PROCEDURES.map((procedure) => procedure.path);
    expect(PUBLIC_PROCEDURES.filter((path) => !paths.includes(path))).toEqual([]);
  });
});

describe.each(['admin', 'tutor', 'learner'] as const)('an intruding %s of another tenant', (role) => {
  it.each(PROCEDURES.map((procedure) => procedure.path))(
    '%s returns and changes nothing of the victim',
    async (path) => {
      const attack = ATTACKS[path];
      expect(attack, `no attack case for ${path}`).toBeDefined();
      for (const input of attack?.(target) ?? []) {
        testJobs.clear();
        const outcome = await callProcedure(database.db, sessionOf(intruder[role]), path, input);
        // Jobs run without a session on the ids they carry: queuing one is acting on its target.
        expect(
          await jobsNotOwnedBy(database.db, intruder[role], testJobs.sent),
          `${path} queued jobs for others`,
        ).toEqual([]);
        if (outcome.ok) {
          expect(leakedSecrets(outcome.value), `${path} returned the victim's data`).toEqual([]);
        } else {
          expect(QUIET_REFUSALS, `${path}: ${describeOutcome(outcome)}`).toContain(outcome.error.code);
          expect(leakedSecrets(outcome.error.message), `${path} error names the victim's data`).toEqual([]);
        }
      }
      expect(await snapshotDatabase(database.db, target.victim.tenantId)).toEqual(victimBefore);
    },
  );
});

describe('a session that names a tenant its user does not belong to', () => {
  it.each(PROCEDURES.map((procedure) => procedure.path))('%s is refused as UNAUTHORIZED', async (path) => {
    const forged = { userId: intruder.admin.userId, tenantId: target.victim.tenantId };
    for (const input of ATTACKS[path]?.(target) ?? [undefined]) {
      testJobs.clear();
      const outcome = await callProcedure(database.db, forged, path, input);
      expect(describeOutcome(outcome)).toMatch(/^UNAUTHORIZED: /);
      expect(testJobs.sent, `${path} queued jobs for a forged session`).toEqual([]);
    }
    expect(await snapshotDatabase(database.db, target.victim.tenantId)).toEqual(victimBefore);
  });
});

describe('anonymous callers', () => {
  it.each(PROCEDURES.map((procedure) => procedure.path).filter((path) => !PUBLIC_PROCEDURES.includes(path)))(
    '%s is refused as UNAUTHORIZED',
    async (path) => {
      const before = await snapshotDatabase(database.db);
      for (const input of ATTACKS[path]?.(target) ?? [undefined]) {
        testJobs.clear();
        const outcome = await callProcedure(database.db, null, path, input);
        expect(describeOutcome(outcome)).toMatch(/^UNAUTHORIZED: /);
        expect(testJobs.sent, `${path} queued jobs for an anonymous caller`).toEqual([]);
      }
      expect(await snapshotDatabase(database.db)).toEqual(before);
    },
  );
});
