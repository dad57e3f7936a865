/**
 * Test support for delivery: the Google, Microsoft and Exchange Server (EWS) emulators, a real Radicale, a mail sink,
 * the real adapters through the emulator registry, and the inline driver running the real job
 * functions. Members of one tenant connect emulated accounts as their write targets; meetings are
 * made through the real scheduling service, whose events the driver runs.
 */
import { and, eq } from 'drizzle-orm';
import { Inngest } from 'inngest';
import { startEwsEmulator, type EwsEmulator } from '@/emulators/ews/server';
import { DEFAULT_PASSWORD as EWS_PASSWORD } from '@/emulators/ews/store';
import { startGoogleTestbed, TESTBED_SEED, type GoogleTestbed } from '@/emulators/google/testbed';
import { startMicrosoftTestbed, type MicrosoftTestbed } from '@/emulators/microsoft/testbed';
import type { SeedFileInput } from '@/emulators/shared/seed';
import { calendars, tenants } from '@/server/db/schema';
import type { JobDeps } from '@/server/jobs/definition';
import { createJobFunctions } from '@/server/jobs/functions';
import { InlineJobDriver } from '@/server/jobs/inline-driver';
import type { ScheduleDeps } from '@/server/meetings/schedule';
import { refreshCalendarList } from '@/server/sync/calendar-list';
import type { SyncDeps } from '@/server/sync/deps';
import type { Actor } from '@/server/tenants/actor';
import type { TestDatabase } from './database';
import {
  createEmulatorRegistry,
  insertTestConnection,
  oauthCredentials,
  type EmulatorRegistry,
} from './emulator-registry';
import { createTestTenant, type TestTenant } from './fixtures';
import { startMailSink, type MailSink } from './mail-sink';
import { startRadicale, type RadicaleServer } from './radicale';
import { TEST_ANSWER_LINK_KEY, testMailer } from './test-mail';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const client = new Inngest({ id: 'tandem-delivery-test', logger: quiet });

/** Accounts in the Google testbed seed, plus one more for the matrix. */
export const GOOGLE_ACCOUNTS = {
  organizer: 'organizer@northbridge.test',
  attendee: 'attendee@northbridge.test',
  third: 'third@northbridge.test',
} as const;
/** Accounts in the Microsoft emulator's seed. */
export const MICROSOFT_ACCOUNTS = {
  organizer: 'tutor1@northbridge.test',
  attendee: 'learner1@northbridge.test',
} as const;
/** Mailboxes of the EWS emulator (the demo seed's Microsoft-hosted accounts), password `exchange-demo`. */
export const EWS_ACCOUNTS = {
  organizer: 'alex.morgan@northbridge-college.test',
  attendee: 'priya.shah@northbridge-college.test',
} as const;
export const RADICALE_USERS = [
  { username: 'leo', password: 'leo-password', address: 'leo.martin@northbridge.test' },
  { username: 'rita', password: 'rita-password', address: 'rita.reyes@northbridge.test' },
  // A tutor on plain CalDAV (the convergence fuzz's third tenant: Tandem the organiser of record).
  { username: 'cara', password: 'cara-password', address: 'cara.tutor@northbridge.test' },
] as const;

/**
 * The kinds the convergence matrices run over (each a Record of these), and what a member can
 * connect here: Google, Microsoft 365, CalDAV (Radicale) and Exchange Server (the EWS emulator).
 */
export type CalendarKind = 'google' | 'microsoft' | 'caldav' | 'ews';

export interface DeliveryTestbed {
  database: TestDatabase;
  google: GoogleTestbed;
  microsoft: MicrosoftTestbed;
  ews: EwsEmulator;
  radicale: RadicaleServer;
  mail: MailSink;
  registry: EmulatorRegistry;
  /** A new tenant (calendar integration on) per test: emulator accounts are shared, tenants are not. */
  freshTenant(label: string): Promise<TestTenant>;
  appUrl: string;
  sync: SyncDeps;
  jobDeps: JobDeps;
  schedule: ScheduleDeps;
  driver: InlineJobDriver;
  sleeps: number[];
  /** The member connects the account and its default calendar becomes their write target. */
  connect(
    member: Actor,
    kind: CalendarKind,
    account: string,
  ): Promise<{ connectionId: string; calendarId: string }>;
  close(): Promise<void>;
}

export async function startDeliveryTestbed(
  database: TestDatabase,
  label: string,
  options: {
    googleSeed?: SeedFileInput;
    /** The emulators' iMIP mail: their inbound SMTP ports and the relay their outbound mail goes to. */
    mail?: { googleSmtpPort: number; microsoftSmtpPort: number; ewsSmtpPort?: number; relayUrl: string };
    /** Tandem's own outgoing mail goes here instead of the sink (e.g. the relay, to reach the emulators). */
    tandemSmtpUrl?: string;
  } = {},
): Promise<DeliveryTestbed> {
  const { mail: emulatorMail } = options;
  const [google, microsoft, ews, radicale, mail] = await Promise.all([
    startGoogleTestbed({
      seed: options.googleSeed ?? TESTBED_SEED,
      ...(emulatorMail ? { smtpPort: emulatorMail.googleSmtpPort, relayUrl: emulatorMail.relayUrl } : {}),
    }),
    startMicrosoftTestbed(
      emulatorMail ? { smtpPort: emulatorMail.microsoftSmtpPort, relayUrl: emulatorMail.relayUrl } : {},
    ),
    startEwsEmulator(
      emulatorMail
        ? {
            relayUrl: emulatorMail.relayUrl,
            ...(emulatorMail.ewsSmtpPort === undefined ? {} : { smtpPort: emulatorMail.ewsSmtpPort }),
          }
        : {},
    ),
    startRadicale({ users: RADICALE_USERS.map(({ username, password }) => ({ username, password })) }),
    startMailSink(),
  ]);
  const registry = createEmulatorRegistry({ google, microsoft });
  const freshTenant = async (name: string) => {
    const tenant = await createTestTenant(database.db, `${label}-${name}`);
    await database.db
      .update(tenants)
      .set({ calendarIntegrationEnabled: true })
      .where(eq(tenants.id, tenant.tenantId));
    return tenant;
  };
  const sync: SyncDeps = {
    db: database.db,
    providers: registry,
    now: () => new Date(),
    window: { pastDays: 30, futureDays: 120 },
  };
  const sleeps: number[] = [];
  const holder: { driver?: InlineJobDriver } = {};
  const jobs = {
    send: (events: Parameters<InlineJobDriver['send']>[0]) => (holder.driver as InlineJobDriver).send(events),
  };
  const appUrl = 'http://tandem.test';
  const jobDeps: JobDeps = {
    ...sync,
    appUrl,
    pollMinutes: 5,
    mailer: testMailer(options.tandemSmtpUrl ?? mail.url),
    answerLinkKey: TEST_ANSWER_LINK_KEY,
    jobs,
  };
  const driver = new InlineJobDriver({
    functions: createJobFunctions(client, jobDeps),
    nodeEnv: 'test',
    sleep: async (ms) => void sleeps.push(ms),
    log: { warn: () => {} },
  });
  holder.driver = driver;

  async function connect(member: Actor, kind: CalendarKind, account: string) {
    const credentials =
      kind === 'google'
        ? oauthCredentials(google.tokens(account))
        : kind === 'microsoft'
          ? oauthCredentials(await microsoft.signIn(account))
          : kind === 'ews'
            ? {
                kind: 'ews' as const,
                endpoint: ews.endpoint,
                username: account,
                password: EWS_PASSWORD,
                auth: 'basic' as const,
                email: account,
              }
            : (() => {
                const user = RADICALE_USERS.find((candidate) => candidate.address === account);
                if (!user) throw new Error(`no Radicale user for ${account}`);
                return {
                  kind: 'caldav' as const,
                  serverUrl: radicale.url,
                  username: user.username,
                  password: user.password,
                  email: user.address,
                };
              })();
    const connection = await insertTestConnection(database.db, registry, {
      tenantId: member.tenantId,
      userId: member.userId,
      provider: kind,
      accountEmail: account,
      credentials,
    });
    await refreshCalendarList(sync, { tenantId: member.tenantId, connectionId: connection.id });
    const [target] = await database.db
      .select({ id: calendars.id })
      .from(calendars)
      .where(and(eq(calendars.connectionId, connection.id), eq(calendars.isWriteTarget, true)));
    if (!target) throw new Error(`no write target for ${account}`);
    return { connectionId: connection.id, calendarId: target.id };
  }

  return {
    database,
    google,
    microsoft,
    ews,
    radicale,
    mail,
    registry,
    freshTenant,
    appUrl,
    sync,
    jobDeps,
    schedule: { db: database.db, now: () => new Date(), jobs },
    driver,
    sleeps,
    connect,
    async close() {
      driver.stopCrons();
      await Promise.all([google.close(), microsoft.close(), ews.close(), radicale.close(), mail.close()]);
    },
  };
}
