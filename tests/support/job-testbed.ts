/**
 * Test support for the job functions: a migrated database, the Google emulator, the real adapters
 * through the emulator registry, a tenant with the integration on, a loopback "app" that receives
 * the emulator's push notifications and hands them to the real webhook service, and the inline
 * driver running the real functions. Only tests import this (it starts servers).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { Inngest } from 'inngest';
import { startGoogleTestbed, TESTBED_CLIENT, type GoogleTestbed } from '@/emulators/google/testbed';
import type { ConnectionRow } from '@/server/connections/provider-registry';
import { tenants } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import type { JobDispatcher } from '@/server/jobs/events';
import { createJobFunctions } from '@/server/jobs/functions';
import { InlineJobDriver } from '@/server/jobs/inline-driver';
import { googleEndpointsAt } from '@/server/providers/google/config';
import { createGoogleProvider } from '@/server/providers/google/provider';
import type { CalendarProvider, EventWrite } from '@/server/providers/types';
import type { SyncDeps } from '@/server/sync/deps';
import { receiveGoogleNotification, type WebhookOutcome } from '@/server/sync/webhooks';
import type { TestDatabase } from './database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
  type EmulatorRegistry,
} from './emulator-registry';
import { createTestTenant, type TestTenant } from './fixtures';
import { startMailSink, type MailSink } from './mail-sink';
import { TEST_ANSWER_LINK_KEY, testMailer } from './test-mail';

export const ORGANIZER = 'organizer@northbridge.test';
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
export const testClient = new Inngest({ id: 'tandem-test', logger: quiet });

export interface JobTestbed {
  database: TestDatabase;
  bed: GoogleTestbed;
  registry: EmulatorRegistry;
  deps: SyncDeps;
  tenant: TestTenant;
  /** The loopback app's base URL; push channels point at `${appUrl}/api/webhooks/google`. */
  appUrl: string;
  /** What the webhook service answered to each push the emulator delivered. */
  webhookOutcomes: WebhookOutcome[];
  driver: InlineJobDriver;
  /** Where the jobs' email goes (a real SMTP server keeping what it receives). */
  mail: MailSink;
  /** Recorded waits between attempts (the driver does not really sleep in tests). */
  sleeps: number[];
  /** The parts the job functions get; `jobs` is the driver unless a recorder is given. */
  jobDeps(jobs?: JobDispatcher): JobDeps;
  connectGoogle(email?: string): Promise<ConnectionRow>;
  /** The emulated account edited from outside Tandem (the user in Google Calendar). */
  google(email?: string): CalendarProvider;
  /** Until the emulator has delivered its pushes and the driver has run everything they caused. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming))
    if (typeof value === 'string') headers.set(name, value);
  return headers;
}

/** `database`: the test file's own (useTestDatabase()). */
export async function startJobTestbed(database: TestDatabase, label: string): Promise<JobTestbed> {
  const bed = await startGoogleTestbed();
  const mail = await startMailSink();
  const mailer = testMailer(mail.url);
  const registry = createEmulatorRegistry({ google: bed });
  const deps: SyncDeps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  const tenant = await createTestTenant(database.db, label);
  await database.db
    .update(tenants)
    .set({ calendarIntegrationEnabled: true })
    .where(eq(tenants.id, tenant.tenantId));

  const webhookOutcomes: WebhookOutcome[] = [];
  const sleeps: number[] = [];
  // Created below: the webhook receiver and the runtime hand events to it once it exists.
  const holder: { driver?: InlineJobDriver } = {};
  const server = createServer((req, res) => {
    void receiveGoogleNotification(
      { db: database.db, jobs: holder.driver as InlineJobDriver, now: () => new Date() },
      toHeaders(req.headers),
    )
      .then((outcome) => {
        webhookOutcomes.push(outcome);
        res.writeHead(200).end();
      })
      .catch(() => res.writeHead(503).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The driver sends to itself, and is made from these very deps: it is looked up at send time.
  const jobDeps = (jobs?: JobDispatcher): JobDeps => ({
    ...deps,
    appUrl,
    pollMinutes: 5,
    mailer,
    answerLinkKey: TEST_ANSWER_LINK_KEY,
    jobs: jobs ?? { send: (events) => (holder.driver as InlineJobDriver).send(events) },
  });
  const activeDriver = new InlineJobDriver({
    functions: createJobFunctions(testClient, jobDeps()),
    nodeEnv: 'test',
    sleep: async (ms) => void sleeps.push(ms),
    log: { warn: () => {} },
  });
  holder.driver = activeDriver;

  return {
    database,
    bed,
    registry,
    deps,
    tenant,
    appUrl,
    webhookOutcomes,
    driver: activeDriver,
    mail,
    sleeps,
    jobDeps,
    connectGoogle: (email = ORGANIZER) =>
      insertTestConnection(database.db, registry, {
        tenantId: tenant.tenantId,
        userId: tenant.learner.userId,
        provider: 'google',
        accountEmail: email,
        credentials: oauthCredentials(bed.tokens(email)),
      }),
    google: (email = ORGANIZER) =>
      createGoogleProvider({
        config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(bed.url) },
        tokens: bed.tokens(email),
      }),
    async settle() {
      // A sync can cause no push, and a push causes a sync: two rounds reach a fixed point here.
      for (let round = 0; round < 3; round += 1) {
        await bed.emulator.control.pushIdle();
        await activeDriver.idle();
      }
    },
    async close() {
      activeDriver.stopCrons();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bed.close();
      await mail.close();
    },
  };
}

/** Monday 00:00 UTC two to three weeks ahead: inside the sync window. */
export function futureSlot(days: number, hour: number): { start: Date; end: Date } {
  const DAY = 86_400_000;
  const base = Math.floor(Date.now() / (7 * DAY)) * 7 * DAY + 18 * DAY;
  const start = new Date(base + days * DAY + hour * 3_600_000);
  return { start, end: new Date(start.getTime() + 3_600_000) };
}

export function timedEvent(title: string, days: number, hour: number): EventWrite {
  const { start, end } = futureSlot(days, hour);
  return {
    title,
    description: null,
    location: null,
    onlineUrl: null,
    time: { kind: 'timed', start, end, timeZone: 'Europe/London' },
    recurrence: null,
    attendees: [],
    tandemMeetingId: null,
    notifyAttendees: false,
  };
}
