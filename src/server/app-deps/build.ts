import type { Env } from '@/env';
import { createOAuthApps, redirectUriFor, type OAuthClients } from '@/server/connections/provider-apps';
import { createProviderRegistry } from '@/server/connections/provider-registry';
import { createEnterpriseAccess } from '@/server/enterprise/access';
import { openDatabase, type DatabaseHandle, type DatabaseLocation } from '@/server/db/client';
import { inngest } from '@/server/jobs/client';
import { inngestDispatcher, jobsMode } from '@/server/jobs/dispatcher';
import type { JobDispatcher } from '@/server/jobs/events';
import { createJobFunctions } from '@/server/jobs/functions';
import { InlineJobDriver } from '@/server/jobs/inline-driver';
import { applyItipMessage } from '@/server/answers/apply-itip';
import { startInboundMailListener } from '@/server/mail/inbound-listener';
import type { InboundSmtpServer } from '@/server/mail/inbound-smtp';
import { answerLinkKeyFromEnv, mailerFromEnv } from '@/server/mail/mail-settings';
import { googleEndpointsAt } from '@/server/providers/google';
import { perUserCallLimits } from '@/server/security/call-limits';
import { keyRingFromSetting } from './key-ring';
import type { AppDeps } from './types';

/** The app's parts plus what only the app's edges use (Auth.js, the sign-in page, /api/inngest, start-up). */
export interface App extends AppDeps {
  database: DatabaseHandle;
  jobsMode: 'inngest' | 'inline';
  /** Signs and encrypts session cookies (AUTH_SECRET). */
  authSecret: string;
  /** TANDEM_DEMO: the sign-in page lists the demo accounts. */
  demo: boolean;
  /** Production: unexpected errors reach the browser without their detail. */
  hideInternalErrors: boolean;
  /** TANDEM_TEST_PROVISIONING_TOKEN: opens the e2e specs' tenant route; null everywhere else. */
  testProvisioningToken: string | null;
  /** Starts the inline driver's crons (renewal, polling) once; nothing in inngest mode. */
  startInlineCrons(): void;
  /** INBOUND_EMAIL_SECRET: the bearer token of /api/inbound/email; null keeps that route closed (404). */
  inboundEmailSecret: string | null;
  /** Starts the inbound iMIP SMTP listener once per process when INBOUND_SMTP_PORT is set. */
  startInboundMail(): Promise<void>;
}

/**
 * What a process holds once, whichever Next.js bundle asks for the app: PGlite must never open its
 * data folder twice, and one inline driver runs the crons. The rest of the app is stateless and
 * built per bundle, so that its typed errors are the classes that bundle's `instanceof` checks.
 */
export interface ProcessSingletons {
  database?: Promise<DatabaseHandle>;
  inlineDriver?: InlineJobDriver;
  cronsStarted?: boolean;
  /** The inbound SMTP listener binds its port once, whichever bundle starts it (null: not configured). */
  inboundMail?: Promise<InboundSmtpServer | null>;
}

export function databaseLocation(env: Pick<Env, 'DATABASE_URL' | 'PGLITE_DATA_DIR'>): DatabaseLocation {
  return env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: env.PGLITE_DATA_DIR };
}

/** Where the OAuth providers are: their real endpoints unless a base URL points at the emulators. */
export function oauthClients(env: Env): OAuthClients {
  return {
    google:
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            redirectUri: redirectUriFor(env.APP_URL, 'google'),
            ...(env.GOOGLE_BASE_URL ? { endpoints: googleEndpointsAt(env.GOOGLE_BASE_URL) } : {}),
          }
        : null,
    microsoft:
      env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET
        ? {
            clientId: env.MICROSOFT_CLIENT_ID,
            clientSecret: env.MICROSOFT_CLIENT_SECRET,
            tenant: env.MICROSOFT_TENANT,
            ...(env.MICROSOFT_GRAPH_BASE_URL ? { graphBaseUrl: env.MICROSOFT_GRAPH_BASE_URL } : {}),
            ...(env.MICROSOFT_AUTHORITY_BASE_URL
              ? { authorityBaseUrl: env.MICROSOFT_AUTHORITY_BASE_URL }
              : {}),
          }
        : null,
  };
}

/** Builds the app from a validated environment (DESIGN.md §5): the one place settings become parts. */
export async function buildApp(env: Env, singletons: ProcessSingletons = {}): Promise<App> {
  singletons.database ??= openDatabase(databaseLocation(env));
  const database = await singletons.database;
  const now = () => new Date();
  const keyRing = () => keyRingFromSetting(env.TANDEM_ENCRYPTION_KEYS);
  const clients = oauthClients(env);
  // The demo and tests run CalDAV servers on loopback; production never reaches it.
  const allowLoopbackServers = env.NODE_ENV !== 'production';
  // Where Microsoft 365 and Google are for enterprise access: the same endpoints users connect through.
  const enterprise = createEnterpriseAccess(
    {
      microsoft: {
        ...(env.MICROSOFT_GRAPH_BASE_URL ? { graphBaseUrl: env.MICROSOFT_GRAPH_BASE_URL } : {}),
        ...(env.MICROSOFT_AUTHORITY_BASE_URL ? { authorityBaseUrl: env.MICROSOFT_AUTHORITY_BASE_URL } : {}),
      },
      ...(env.GOOGLE_BASE_URL ? { google: googleEndpointsAt(env.GOOGLE_BASE_URL) } : {}),
      // Exchange servers are the admin's to type: the same address policy as members' own.
      exchange: { addressPolicy: { allowLoopback: allowLoopbackServers } },
    },
    now,
  );
  const mode = jobsMode(env);

  // The inline driver runs the same job functions, bound to the app that made it first.
  const inlineDriver = () =>
    (singletons.inlineDriver ??= new InlineJobDriver({
      functions: createJobFunctions(inngest, app),
      nodeEnv: env.NODE_ENV,
    }));
  const jobs: JobDispatcher =
    mode === 'inngest' ? inngestDispatcher : { send: (events) => inlineDriver().send(events) };

  const app: App = {
    database,
    db: database.db,
    keyRing,
    providers: createProviderRegistry({
      keyRing,
      clients,
      now,
      caldavAddressPolicy: { allowLoopback: allowLoopbackServers },
      enterprise,
    }),
    enterprise,
    oauthApps: createOAuthApps(clients, env.APP_URL),
    jobs,
    now,
    appUrl: env.APP_URL,
    window: { pastDays: env.SYNC_WINDOW_PAST_DAYS, futureDays: env.SYNC_WINDOW_FUTURE_DAYS },
    pollMinutes: env.SYNC_POLL_MINUTES,
    allowLoopbackServers,
    callLimits: perUserCallLimits(),
    mailer: mailerFromEnv(env),
    answerLinkKey: answerLinkKeyFromEnv(env),
    // Replies to meetings Tandem organises, by SMTP or the inbound hook, are answers.
    handleInboundItip: (message) => applyItipMessage(app, message),
    jobsMode: mode,
    authSecret: env.AUTH_SECRET,
    demo: env.TANDEM_DEMO,
    hideInternalErrors: env.NODE_ENV === 'production',
    testProvisioningToken: env.TANDEM_TEST_PROVISIONING_TOKEN ?? null,
    startInlineCrons() {
      if (mode !== 'inline' || singletons.cronsStarted) return;
      singletons.cronsStarted = true;
      inlineDriver().startCrons();
    },
    inboundEmailSecret: env.INBOUND_EMAIL_SECRET ?? null,
    async startInboundMail() {
      singletons.inboundMail ??= startInboundMailListener(app, env);
      await singletons.inboundMail;
    },
  };
  return app;
}
