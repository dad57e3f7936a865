import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono, type Context, type Next } from 'hono';
import type { EmulatorEnv } from './app-env';
import { requireAccessToken, resolveMailbox } from './auth';
import { mailboxNotEnabled, requireCalendarAccess, requireDirectoryRead } from './directory';
import { registerAdminConsentRoutes } from './routes/admin-consent';
import { registerDirectoryRoutes } from './routes/directory-users';
import { ControlState, routeKey, type FaultRule } from './control-state';
import { GraphHttpError, graphErrorBody } from './graph-errors';
import { startChangeNotifications } from './notifications';
import { registerCalendarViewRoutes } from './routes/calendar-view';
import { registerControlRoutes } from './routes/control';
import { registerDeltaRoutes } from './routes/delta';
import { registerEventRoutes } from './routes/events';
import { registerOAuthRoutes } from './routes/oauth';
import { registerScheduleRoutes } from './routes/schedule';
import { registerSubscriptionRoutes } from './routes/subscriptions';
import { registerUserRoutes } from './routes/users';
import { applyAnySeed, readSeed, type AnySeed } from './any-seed';
import { ImipMailer, startImipListener, type ImipListener, type InboundRecord } from '../shared/imip-mail';
import { applyImipToMicrosoft } from './imip-inbound';
import { MicrosoftStore } from './store';

/**
 * The Microsoft Graph v1.0 (calendar) + identity platform v2.0 emulator, over HTTPS with the
 * fixture certificate in ./certs (the Graph SDK only sends tokens to https hosts). The sign-in
 * and consent pages can also be served over plain HTTP (`authorityPort`), so that a browser in
 * the demo opens them without a certificate warning; Graph itself is never served over HTTP.
 */

export interface MicrosoftEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A seed (shared demo format or the Microsoft one) or its path; defaults to emulators/seed/demo.json. */
  seed?: AnySeed | string;
  /** Also serve the identity platform routes over plain HTTP on this port (0: a free one). */
  authorityPort?: number;
  /** Inbound SMTP for iMIP to the mailboxes hosted here (0: a free port); not started when absent. */
  smtpPort?: number;
  /** Where iMIP email to people not hosted here goes (`smtp://host:port`); recorded only when absent. */
  relayUrl?: string;
}

export interface MicrosoftEmulator {
  /** e.g. https://127.0.0.1:4502 — Graph under /v1.0, OAuth under /{tenant}/oauth2/v2.0. */
  url: string;
  port: number;
  /**
   * Where a browser signs in: the plain-HTTP authority root when `authorityPort` was given (e.g.
   * http://127.0.0.1:4503, OAuth under /{tenant}/oauth2/v2.0), else `url`.
   */
  authorityUrl: string;
  store: MicrosoftStore;
  control: ControlState;
  /** The inbound SMTP listener's URL (`smtp://127.0.0.1:port`), when one was started. */
  smtpUrl: string | null;
  /** What the inbound SMTP listener did with each recipient of each message. */
  received(): InboundRecord[];
  /** Waits until every iMIP email handed to the relay has been sent (or has failed). */
  mailIdle(): Promise<void>;
  /** Reloads the seed, clears faults and counts (as POST /__control/reset). */
  reset(): void;
  close(): Promise<void>;
}

const CERT_DIR = new URL('./certs/', import.meta.url);

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'ErrorAccessDenied',
  404: 'ErrorItemNotFound',
  409: 'ErrorConflict',
  410: 'syncStateNotFound',
  412: 'ErrorIrresolvableConflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceNotAvailable',
  504: 'GatewayTimeout',
};

function faultResponse(c: Context<EmulatorEnv>, fault: FaultRule): Response {
  const status = fault.status ?? 503;
  const retryAfter = fault.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  const headers: Record<string, string> =
    retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : {};
  const code = fault.code ?? DEFAULT_CODES[status] ?? 'UnknownError';
  return c.json(graphErrorBody(code, `Injected fault: ${code}.`), status as 400, headers);
}

function buildApp(
  store: MicrosoftStore,
  control: ControlState,
  origin: () => string,
  seeds: { get: () => AnySeed; set: (s: AnySeed) => void },
) {
  const app = new Hono<EmulatorEnv>();
  app.use('*', async (c: Context<EmulatorEnv>, next: Next) => {
    c.set('store', store);
    c.set('origin', origin());
    const path = new URL(c.req.url).pathname;
    if (path.startsWith('/__control')) return next();
    const key = routeKey(c.req.method, path);
    control.count(key);
    const fault = control.takeFault(c.req.method, key, path);
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
    if (fault?.kind === 'reset') {
      (c.env as { incoming?: IncomingMessage }).incoming?.socket.destroy();
      return c.body(null, 500);
    }
    if (fault?.kind === 'status') return faultResponse(c, fault);
    await next();
  });
  app.use('/v1.0/*', requireAccessToken);
  for (const path of ['/v1.0/me', '/v1.0/me/*'])
    app.use(path, async (c, next) => (resolveMailbox(c, undefined), next()));
  for (const path of ['/v1.0/users/:userId', '/v1.0/users/:userId/*']) {
    app.use(path, async (c, next) => (resolveMailbox(c, c.req.param('userId')), next()));
  }
  // App-only callers need the permissions consented in the tenant; calendars need a mailbox.
  app.use('/v1.0/users/:userId', async (c, next) => (requireDirectoryRead(c.get('principal')), next()));
  for (const path of ['/v1.0/me/*', '/v1.0/users/:userId/*']) {
    app.use(path, async (c, next) => {
      // Hono's `/*` also matches the bare profile path, which is a directory read.
      if (/^\/v1\.0\/(me|users\/[^/]+)\/?$/.test(new URL(c.req.url).pathname)) return next();
      requireCalendarAccess(c.get('principal'), c.req.method);
      if (c.get('mailbox').hasMailbox === false) throw mailboxNotEnabled();
      return next();
    });
  }
  registerDirectoryRoutes(app);
  registerAdminConsentRoutes(app);
  registerUserRoutes(app);
  registerEventRoutes(app);
  registerCalendarViewRoutes(app);
  registerDeltaRoutes(app);
  registerScheduleRoutes(app);
  registerSubscriptionRoutes(app);
  registerOAuthRoutes(app);
  registerControlRoutes(app, { control, currentSeed: seeds.get, setSeed: seeds.set });

  app.notFound((c) => {
    const segment = new URL(c.req.url).pathname.split('/').filter(Boolean).at(-1) ?? '';
    return c.json(graphErrorBody('BadRequest', `Resource not found for the segment '${segment}'.`), 400);
  });
  app.onError((error, c) => {
    if (error instanceof GraphHttpError) {
      return c.json(
        graphErrorBody(error.code, error.message, c.req.header('client-request-id')),
        error.status as 400,
        error.headers,
      );
    }
    console.error('[microsoft emulator]', error);
    return c.json(graphErrorBody('InternalServerError', 'An internal server error occurred.'), 500);
  });
  return app;
}

export async function startMicrosoftEmulator(
  options: MicrosoftEmulatorOptions = {},
): Promise<MicrosoftEmulator> {
  const host = options.host ?? '127.0.0.1';
  let seed: AnySeed = readSeed(options.seed);
  const store = new MicrosoftStore();
  const control = new ControlState();
  applyAnySeed(store, seed);
  const stopNotifications = startChangeNotifications(store);
  const mailer = new ImipMailer(options.relayUrl);
  store.mailer = (message) => mailer.send(message);
  const inbound: ImipListener | null =
    options.smtpPort === undefined
      ? null
      : await startImipListener({
          port: options.smtpPort,
          host,
          hosts: (address) => store.accountByIdOrEmail(address) !== undefined,
          deliver: (recipient, calendar) => applyImipToMicrosoft(store, recipient, calendar),
          now: () => new Date(),
        });
  let url = '';
  const app = buildApp(store, control, () => url, { get: () => seed, set: (next) => (seed = next) });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: options.port ?? 0,
        hostname: host,
        createServer,
        serverOptions: {
          key: readFileSync(new URL('emulator-key.pem', CERT_DIR)),
          cert: readFileSync(new URL('emulator-cert.pem', CERT_DIR)),
        },
      },
      () => resolve(started as Server),
    );
    started.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  url = `https://${hostInUrl}:${port}`;
  const authorityServer =
    options.authorityPort === undefined ? null : await listenForAuthority(app, host, options.authorityPort);
  const authorityUrl = authorityServer
    ? `http://${hostInUrl}:${(authorityServer.address() as AddressInfo).port}`
    : url;

  return {
    url,
    port,
    authorityUrl,
    store,
    control,
    smtpUrl: inbound?.url ?? null,
    received: () => inbound?.received ?? [],
    mailIdle: () => mailer.idle(),
    reset: () => {
      inbound?.received.splice(0);
      applyAnySeed(store, seed);
      control.clearFaults();
      control.counts.clear();
    },
    close: async () => {
      await mailer.idle();
      mailer.close();
      await inbound?.close();
      await new Promise<void>((resolve, reject) => {
        stopNotifications();
        authorityServer?.close();
        authorityServer?.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** `/{tenant}/oauth2/v2.0/…` and admin consent: the identity platform, which is all the HTTP listener serves. */
const AUTHORITY_PATH = /^\/[^/]+\/(oauth2\/v2\.0\/|(v2\.0\/)?adminconsent$)/;

async function listenForAuthority(app: Hono<EmulatorEnv>, host: string, port: number) {
  return new Promise<ReturnType<typeof createHttpServer>>((resolve, reject) => {
    const started = serve(
      {
        fetch: (request, env) =>
          AUTHORITY_PATH.test(new URL(request.url).pathname)
            ? app.fetch(request, env)
            : new Response('Only sign-in is served over HTTP; Graph is on the HTTPS port.', { status: 404 }),
        port,
        hostname: host,
        createServer: createHttpServer,
      },
      () => resolve(started as ReturnType<typeof createHttpServer>),
    );
    started.once('error', reject);
  });
}
