/**
 * The Google Calendar v3 + Google OAuth emulator (dev, demo and tests only; nothing under src/
 * imports it). One host serves what Google spreads over three:
 *   /calendar/v3/…        www.googleapis.com (the SDK's `rootUrl` is this emulator's URL + '/')
 *   /o/oauth2/v2/auth     accounts.google.com consent page
 *   /token, /revoke       oauth2.googleapis.com (also the service accounts' JWT bearer grant)
 *   /admin/directory/v1/… admin.googleapis.com (Workspace directory, ./routes-directory.ts)
 *   /__control/…          the control API (emulators/shared/control-api.ts, ./control.ts)
 *
 * `startGoogleEmulator({ port: 0 })` starts it in-process on a free port for tests.
 */
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { EmulatorClock } from '../shared/clock';
import { mountControlApi } from '../shared/control-api';
import { FaultInjector, type FaultSpecInput } from '../shared/faults';
import { ImipMailer, startImipListener, type ImipListener, type InboundRecord } from '../shared/imip-mail';
import { listen } from '../shared/http-server';
import { RequestCounter, type RequestCounts } from '../shared/request-counter';
import { loadSeedFile, resolveSeed, type SeedFileInput } from '../shared/seed';
import { requireAccessToken, type GoogleEnv } from './api-auth';
import { apiErrors, GoogleApiError } from './api-errors';
import { googleFaultPresets, mountGoogleControl } from './control';
import { applyImipToGoogle } from './imip-inbound';
import { OAuthGrants, type TokenResponse } from './oauth-grants';
import { PushChannels } from './push-channels';
import { mountCalendarRoutes } from './routes-calendars';
import { mountEventRoutes } from './routes-events';
import { mountOAuthRoutes } from './routes-oauth';
import { loadSeedIntoStore } from './seed-loader';
import { GoogleStore } from './store';
import { mountDirectoryRoutes } from './routes-directory';
import { Workspaces, type WorkspaceSpec } from './workspace';
import type { GEvent, OutboxMessage } from './types';

export const DEFAULT_SEED_PATH = fileURLToPath(new URL('../seed/demo.json', import.meta.url));

export interface GoogleEmulatorOptions {
  /** 0 (default) = a free port; `npm run emulators` uses 4501. */
  port?: number;
  host?: string;
  /** The seed (emulators/shared/seed.ts format); defaults to emulators/seed/demo.json. */
  seed?: SeedFileInput;
  /** Access-token lifetime in seconds (Google: 3599). */
  accessTokenTtlSeconds?: number;
  /** Log requests to the console (the dev server turns this on). */
  log?: boolean;
  /** Inbound SMTP for iMIP to the accounts hosted here (0: a free port); not started when absent. */
  smtpPort?: number;
  /** Where iMIP email to people not hosted here goes (`smtp://host:port`); recorded only when absent. */
  relayUrl?: string;
}

export interface GoogleEmulator {
  url: string;
  port: number;
  /** The inbound SMTP listener's URL (`smtp://127.0.0.1:port`), when one was started. */
  smtpUrl: string | null;
  close(): Promise<void>;
  /** In-process shortcuts to the control API, for tests. */
  control: {
    reset(): void;
    seed(seed: SeedFileInput): void;
    addFault(fault: FaultSpecInput): void;
    preset(name: string, params?: Record<string, unknown>): void;
    tokensFor(email: string, scope?: string, clientId?: string): TokenResponse;
    expireSyncTokens(): void;
    revokeGrants(email?: string): void;
    advanceClock(seconds: number): void;
    requestCounts(): RequestCounts;
    resetRequestCounts(): void;
    outbox(): OutboxMessage[];
    /** Waits until every iMIP email handed to the relay has been sent (or has failed). */
    mailIdle(): Promise<void>;
    /** What the inbound SMTP listener did with each recipient of each message. */
    received(): InboundRecord[];
    pushIdle(): Promise<void>;
    deliveries(): PushChannels['deliveries'];
    setAccessTokenTtl(seconds: number): void;
    /** A Workspace domain with its directory (and a service account); see workspace.ts. */
    addWorkspace(spec: WorkspaceSpec): void;
    /** Domain-wide delegation of `scopes` to a service account's client id (empty: revoked). */
    delegate(domain: string, clientId: string, scopes: string[]): void;
    /**
     * A copy of every event stored in a calendar, as the store holds it (cancelled ones too):
     * what is really at "Google", read without the API or an adapter, for test oracles.
     */
    storedEvents(calendarId: string): GEvent[];
  };
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const clock = new EmulatorClock();
  const store = new GoogleStore(clock);
  const grants = new OAuthGrants(clock, options.accessTokenTtlSeconds);
  const workspaces = new Workspaces(store);
  const counter = new RequestCounter();
  const faults = new FaultInjector();
  let baseUrl = '';
  const channels = new PushChannels(store, () => baseUrl);
  const initialSeed: SeedFileInput = options.seed ?? loadSeedFile(DEFAULT_SEED_PATH);
  const seed = (input: SeedFileInput) => {
    channels.clear();
    grants.clear();
    workspaces.clear();
    loadSeedIntoStore(store, resolveSeed(input, clock.now(), 'google'));
  };
  seed(initialSeed);
  const mailer = new ImipMailer(options.relayUrl);
  store.mailer = (message) => {
    if (!message.imip) return;
    const from = store.accounts.get(message.from);
    mailer.send({
      from: { email: message.from, name: from?.name },
      to: { email: message.to },
      method: message.imip.method,
      subject: message.imip.subject,
      text: message.imip.text,
      ics: message.imip.ics,
    });
  };
  const inbound: ImipListener | null =
    options.smtpPort === undefined
      ? null
      : await startImipListener({
          port: options.smtpPort,
          host: options.host,
          hosts: (address) => store.accounts.has(address),
          deliver: (recipient, calendar) => applyImipToGoogle(store, recipient, calendar),
          now: () => clock.now(),
        });
  const reset = () => {
    inbound?.received.splice(0);
    faults.clear();
    counter.reset();
    clock.reset();
    seed(initialSeed);
  };

  const app = new Hono<GoogleEnv>();
  if (options.log) {
    app.use('*', async (c, next) => {
      await next();
      console.log(`[google] ${c.req.method} ${c.req.path} → ${c.res.status}`);
    });
  }
  app.use('*', counter.middleware());
  app.use('*', faults.middleware());
  const presets = googleFaultPresets(store, grants);
  mountControlApi(app, { counter, faults, clock, reset: () => seed(initialSeed), seed, presets });
  mountGoogleControl(app, store, grants, channels);
  mountOAuthRoutes(app, store, grants, workspaces);
  app.use('/calendar/v3/*', requireAccessToken(store, grants));
  app.use('/admin/directory/v1/*', requireAccessToken(store, grants));
  mountDirectoryRoutes(app, workspaces);
  mountCalendarRoutes(app, store);
  mountEventRoutes(app, store, channels);

  app.notFound((c) =>
    c.req.path.startsWith('/calendar/v3/') || c.req.path.startsWith('/admin/directory/v1/')
      ? c.json(apiErrors.notFound().body(), 404)
      : c.text('Not Found', 404),
  );
  app.onError((error, c) => {
    if (error instanceof GoogleApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.body(), error.code as 400);
    }
    console.error('[google emulator] unexpected error', error);
    return c.json(apiErrors.badRequest('Backend Error').body(), 500);
  });

  const server = await listen(app, { port: options.port ?? 0, host: options.host });
  baseUrl = server.url;

  return {
    url: server.url,
    port: server.port,
    smtpUrl: inbound?.url ?? null,
    close: async () => {
      channels.close();
      await mailer.idle();
      mailer.close();
      await inbound?.close();
      await server.close();
    },
    control: {
      reset,
      seed,
      addFault: (fault) => faults.add(fault),
      preset: (name, params = {}) => {
        const make = presets[name];
        if (!make) throw new Error(`unknown Google fault preset ${name}`);
        const spec = make(params);
        if (spec) faults.add(spec);
      },
      tokensFor: (
        email,
        scope = 'https://www.googleapis.com/auth/calendar',
        clientId = 'tandem-emulator-client',
      ) => {
        if (!store.accounts.has(email.toLowerCase())) throw new Error(`no emulated Google account ${email}`);
        return grants.mint(email, scope, clientId);
      },
      expireSyncTokens: () => store.expireSyncTokens(),
      revokeGrants: (email) => grants.revokeAll(email),
      advanceClock: (seconds) => clock.advance(seconds * 1000),
      requestCounts: () => counter.snapshot(),
      resetRequestCounts: () => counter.reset(),
      outbox: () => store.outbox,
      mailIdle: () => mailer.idle(),
      received: () => inbound?.received ?? [],
      pushIdle: () => channels.idle(),
      deliveries: () => channels.deliveries,
      setAccessTokenTtl: (seconds) => {
        grants.accessTokenTtlSeconds = seconds;
      },
      addWorkspace: (spec) => {
        workspaces.addWorkspace(spec);
      },
      delegate: (domain, clientId, scopes) => workspaces.delegate({ domain, clientId, scopes }),
      storedEvents: (calendarId) => {
        const calendar = store.calendars.get(calendarId);
        if (!calendar) throw new Error(`no emulated Google calendar ${calendarId}`);
        return [...calendar.events.values()].map((stored) => structuredClone(stored.resource));
      },
    },
  };
}
