import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobDeps, JobSteps } from '@/server/jobs/definition';
import { sendNotificationEmailsJob } from '@/server/jobs/functions/send-notification-emails';
import { notifications, users } from '@/server/db/schema';
import { mailerFromEnv } from '@/server/mail/mail-settings';
import type { Mailer } from '@/server/mail/mailer';
import { useTestDatabase, type TestDatabase } from '@/tests/support/database';
import { createTestTenant, type TestTenant } from '@/tests/support/fixtures';
import { startMailSink, type MailSink } from '@/tests/support/mail-sink';
import { RecordingDispatcher } from '@/tests/support/recording-dispatcher';
import { listUnsentNotificationEmails } from './email-sweep';
import { sendNotificationEmails } from './emails';
import { notifyUsers } from './notify';
import { setPreference } from './preferences';

let database: TestDatabase;
let sink: MailSink;
let mailer: Mailer;
let tenant: TestTenant;
/** Email addresses by user id (actors carry none). */
const emailOf = new Map<string, string>();
const inbox = (actor: { userId: string }) => emailOf.get(actor.userId) ?? 'nobody@nowhere.test';
const now = new Date('2026-03-02T08:00:00Z');
const appUrl = 'https://tandem.example.test/';

beforeAll(async () => {
  database = await useTestDatabase();
  sink = await startMailSink();
  mailer = mailerFromEnv({
    SMTP_URL: sink.url,
    MAIL_FROM: 'Tandem <tandem@tandem.test>',
    IMIP_REPLY_ADDRESS: 'meetings@replies.tandem.test',
  });
  tenant = await createTestTenant(database.db, 'mail');
  await database.db
    .update(users)
    .set({ name: 'Sam Taylor', timeZone: 'Australia/Lord_Howe', locale: 'en-AU' })
    .where(eq(users.id, tenant.learner.userId));
  for (const row of await database.db.select({ id: users.id, email: users.email }).from(users))
    emailOf.set(row.id, row.email);
});
afterAll(() => sink.close());
beforeEach(() => sink.clear());

const deps = () => ({ db: database.db, mailer, appUrl, now: () => now });
/** Runs steps as Inngest does on a first attempt. */
const steps: JobSteps = { run: (_id, body) => body() };

describe('notification emails', () => {
  it('sends one plain email, in the person’s zone and format, linking to the meeting', async () => {
    const meetingId = crypto.randomUUID();
    const ids = await notifyUsers(database.db, tenant.tenantId, [tenant.learner.userId], 'meeting_invited', {
      meetingId,
      title: 'Weekly check-in',
      startsAt: '2026-03-03T10:00:00Z',
    });
    expect(await sendNotificationEmails(deps(), { tenantId: tenant.tenantId, notificationIds: ids })).toEqual(
      {
        sent: 1,
        skipped: 0,
      },
    );
    const [mail] = await sink.waitFor(1, inbox(tenant.learner));
    // 10:00 UTC is 21:00 at Lord Howe Island (UTC+11 in March), written the Australian way.
    expect(mail?.parsed.subject).toMatch(/^You are invited to Weekly check-in on Tue,? 3 Mar,? 9:00\s?pm$/);
    expect(mail?.parsed.text).toContain('Hello Sam Taylor,');
    expect(mail?.parsed.text).toContain(
      `Open it in Tandem: https://tandem.example.test/calendar?meeting=${meetingId}`,
    );
    expect(mail?.parsed.text).toContain('https://tandem.example.test/settings#notifications');
    expect(mail?.parsed.html).toContain(
      `<a href="https://tandem.example.test/calendar?meeting=${meetingId}">`,
    );
    expect(mail?.parsed.html).toContain('lang="en"');
    const [row] = await database.db.select().from(notifications).where(inArray(notifications.id, ids));
    expect(row?.emailedAt).toEqual(now);
  });

  it('sends nothing twice when the job is replayed or the event duplicated', async () => {
    const ids = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.learner.userId, tenant.tutor.userId],
      'meeting_cancelled',
      { meetingId: crypto.randomUUID(), title: 'Review' },
    );
    const jobDeps = { ...deps(), jobs: new RecordingDispatcher() } as unknown as JobDeps;
    const data = { tenantId: tenant.tenantId, notificationIds: ids };
    await sendNotificationEmailsJob.run(jobDeps, data, steps);
    await sink.waitFor(2);
    await sendNotificationEmailsJob.run(jobDeps, data, steps);
    await sendNotificationEmailsJob.run(jobDeps, { ...data, notificationIds: [...ids, ...ids] }, steps);
    expect(sink.to(inbox(tenant.learner))).toHaveLength(1);
    expect(sink.to(inbox(tenant.tutor))).toHaveLength(1);
  });

  it('leaves out kinds the person does not want by email, read at sending time', async () => {
    const ids = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.otherLearner.userId],
      'meeting_updated',
      {
        title: 'Review',
      },
    );
    expect(ids).toHaveLength(1);
    // They changed their mind before the job ran.
    await setPreference(database.db, tenant.otherLearner, { kind: 'meeting_updated', email: false }, now);
    expect(await sendNotificationEmails(deps(), { tenantId: tenant.tenantId, notificationIds: ids })).toEqual(
      {
        sent: 0,
        skipped: 1,
      },
    );
    expect(sink.messages).toEqual([]);
  });

  it('ignores ids of another tenant', async () => {
    const other = await createTestTenant(database.db, 'elsewhere');
    const ids = await notifyUsers(database.db, other.tenantId, [other.learner.userId], 'meeting_invited', {
      title: 'Theirs',
    });
    expect(await sendNotificationEmails(deps(), { tenantId: tenant.tenantId, notificationIds: ids })).toEqual(
      {
        sent: 0,
        skipped: 1,
      },
    );
    const [row] = await database.db.select().from(notifications).where(inArray(notifications.id, ids));
    expect(row?.emailedAt).toBeNull();
  });

  it('releases a notification whose sending failed, so the retry sends it', async () => {
    const ids = await notifyUsers(
      database.db,
      tenant.tenantId,
      [tenant.learner.userId],
      'meeting_delivery_failed',
      {
        title: 'Weekly check-in',
        attendeeName: 'Aisha Khan',
        detail: 'Reconnect needed',
      },
    );
    const down: Mailer = { ...mailer, send: () => Promise.reject(new Error('SMTP server down')) };
    await expect(
      sendNotificationEmails(
        { ...deps(), mailer: down },
        { tenantId: tenant.tenantId, notificationIds: ids },
      ),
    ).rejects.toThrow('SMTP server down');
    const pending = await database.db
      .select({ emailedAt: notifications.emailedAt })
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenant.tenantId), inArray(notifications.id, ids)));
    expect(pending).toEqual([{ emailedAt: null }]);
    await sendNotificationEmails(deps(), { tenantId: tenant.tenantId, notificationIds: ids });
    const [mail] = await sink.waitFor(1, inbox(tenant.learner));
    expect(mail?.parsed.subject).toBe('Could not deliver Weekly check-in to Aisha Khan: reconnect needed');
  });

  it('sweeps up, within the hour, emails owed whose event was lost; never one not wanted', async () => {
    const swept = await createTestTenant(database.db, 'sweep');
    const sweepNow = new Date('2030-06-01T12:00:00Z');
    const minutesAgo = (minutes: number) => new Date(sweepNow.getTime() - minutes * 60_000);
    await setPreference(database.db, swept.otherLearner, { kind: 'meeting_invited', email: false }, now);
    const rows = await database.db
      .insert(notifications)
      .values(
        [
          { userId: swept.learner.userId, kind: 'meeting_invited', createdAt: minutesAgo(5) },
          { userId: swept.learner.userId, kind: 'meeting_invited', createdAt: minutesAgo(1) },
          { userId: swept.learner.userId, kind: 'meeting_invited', createdAt: minutesAgo(120) },
          { userId: swept.learner.userId, kind: 'meeting_response', createdAt: minutesAgo(5) },
          { userId: swept.otherLearner.userId, kind: 'meeting_invited', createdAt: minutesAgo(5) },
        ].map((row) => ({ ...row, tenantId: swept.tenantId, payload: { title: 'Swept' } })),
      )
      .returning({ id: notifications.id });
    const owed = (await listUnsentNotificationEmails({ db: database.db, now: () => sweepNow })).filter(
      (batch) => batch.tenantId === swept.tenantId,
    );
    // Five minutes old and wanted: owed. One minute old: the event's turn. Two hours: too late.
    expect(owed).toEqual([{ tenantId: swept.tenantId, notificationIds: [rows[0]?.id] }]);
  });
});
