/**
 * The deliver-meeting job out of retries: its failure handler, run as Inngest runs it (the
 * `inngest/function.failed` event, through @inngest/test's engine).
 */
import { InngestTestEngine } from '@inngest/test';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { meetingAttendees, meetingLinks } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import { deliverMeeting } from '@/server/jobs/functions/deliver-meeting';
import { createFailureFunction, createJobFunction } from '@/server/jobs/job-function';
import { getMeeting } from '@/server/meetings/queries';
import { TEST_KEY_RING } from '@/tests/support/api';
import { meetingForAnswers, noticesAbout } from '@/tests/support/answers';
import { seedConnection } from '@/tests/support/connections';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { testClient } from '@/tests/support/job-testbed';
import { offlineMailer } from '@/tests/support/offline-mailer';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { stubProviderRegistry } from '@/tests/support/stub-providers';
import { TEST_ANSWER_LINK_KEY } from '@/tests/support/test-mail';

let database: TestDatabase;
let tenant: TestTenant;
const now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  database = await useTestDatabase();
  tenant = await createTestTenant(database.db, 'gave-up');
});

function jobDeps(jobs: RecordingDispatcher): JobDeps {
  return {
    db: database.db,
    providers: stubProviderRegistry(TEST_KEY_RING),
    now: () => now,
    window: { pastDays: 7, futureDays: 60 },
    appUrl: 'http://tandem.test',
    pollMinutes: 5,
    jobs,
    mailer: offlineMailer,
    answerLinkKey: TEST_ANSWER_LINK_KEY,
  };
}

describe('deliver-meeting out of retries', () => {
  it('is given a failure handler', () => {
    const fn = createJobFunction(testClient, deliverMeeting, jobDeps(new RecordingDispatcher()));
    expect(typeof fn.opts.onFailure).toBe('function');
  });

  it('marks those still waiting as not delivered, the pending copy failed, and tells the organiser once', async () => {
    const { meeting, attendeeId } = await meetingForAnswers(database.db, tenant, 'Stuck review');
    const calendar = await seedConnection(database.db, tenant.tutor, 'stuck-cal');
    await database.db.insert(meetingLinks).values({
      tenantId: tenant.tenantId,
      meetingId: meeting.id,
      calendarId: calendar.writableCalendarId,
      role: 'organizer',
      state: 'pending',
      lastError: 'waiting for Google (retrying)',
    });
    await database.db
      .update(meetingAttendees)
      .set({
        deliveryMethod: 'organizer_provider',
        deliveryState: 'retrying',
        deliveryDetail: 'waiting for Google (retrying)',
      })
      .where(eq(meetingAttendees.id, attendeeId));
    const jobs = new RecordingDispatcher();
    const failed = {
      name: 'inngest/function.failed',
      data: {
        function_id: 'tandem-deliver-meeting',
        run_id: 'run-1',
        error: { name: 'ProviderUnavailableError', message: 'Google is down' },
        event: {
          name: 'tandem/meeting.changed',
          data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: meeting.version },
        },
      },
    };
    const engine = new InngestTestEngine({
      function: createFailureFunction(testClient, deliverMeeting, jobDeps(jobs)),
      events: [failed],
    });
    const { result, error } = await engine.execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ failed: 1 });

    const view = await getMeeting(database.db, tenant.tutor, meeting.id);
    expect(view.attendees.find((row) => row.id === attendeeId)?.delivery).toEqual({
      method: 'organizer_provider',
      state: 'failed',
      detail: 'could not deliver: the calendar or mail service kept failing; change the meeting to try again',
    });
    const [link] = await database.db
      .select()
      .from(meetingLinks)
      .where(and(eq(meetingLinks.tenantId, tenant.tenantId), eq(meetingLinks.meetingId, meeting.id)));
    expect(link?.state).toBe('failed');
    const notices = await noticesAbout(database.db, tenant, meeting.id);
    expect(notices.filter((notice) => notice.kind === 'meeting_delivery_failed')).toHaveLength(1);
    expect(jobs.sentOf('tandem/notifications.created')).toHaveLength(1);

    // Run again (Inngest may deliver the failure event twice): nothing is left waiting, nobody told twice.
    const again = new InngestTestEngine({
      function: createFailureFunction(testClient, deliverMeeting, jobDeps(new RecordingDispatcher())),
      events: [failed],
    });
    expect((await again.execute()).result).toEqual({ failed: 0 });
    expect(
      (await noticesAbout(database.db, tenant, meeting.id)).filter(
        (notice) => notice.kind === 'meeting_delivery_failed',
      ),
    ).toHaveLength(1);
  });
});
