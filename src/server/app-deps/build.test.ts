import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_AUTH_SECRET, parseEnv } from '@/env';
import { generateKeySpec } from '@/server/crypto/secrets';
import { buildApp, type App, type ProcessSingletons } from './build';
import { MissingEncryptionKeysError } from './key-ring';

const opened: App[] = [];

afterAll(async () => {
  await Promise.all(opened.map((app) => app.database.close()));
});

// postgres.js connects on the first query, and these tests make none: no server is needed.
const UNUSED_DATABASE_URL = 'postgres://tandem@127.0.0.1:1/never_queried';

async function appFrom(settings: Record<string, string>, singletons: ProcessSingletons = {}): Promise<App> {
  const env = parseEnv({
    NODE_ENV: 'test',
    AUTH_SECRET: DEV_AUTH_SECRET,
    DATABASE_URL: UNUSED_DATABASE_URL,
    ...settings,
  });
  const app = await buildApp(env, singletons);
  opened.push(app);
  return app;
}

describe('buildApp', () => {
  it('serves without encryption keys, and names them where a connection needs them', async () => {
    const app = await appFrom({ APP_URL: 'http://tandem.test:3000' });
    expect(() => app.keyRing()).toThrow(MissingEncryptionKeysError);
    expect(() => app.keyRing()).toThrow(/^TANDEM_ENCRYPTION_KEYS is not set/);
    expect(app.oauthApps).toEqual({ google: null, microsoft: null });
    expect(app).toMatchObject({
      appUrl: 'http://tandem.test:3000',
      window: { pastDays: 90, futureDays: 365 },
      pollMinutes: 5,
      jobsMode: 'inline',
      allowLoopbackServers: true,
      hideInternalErrors: false,
      demo: false,
      testProvisioningToken: null,
    });
  });

  it('builds each configured OAuth app, its consent URL on the configured server', async () => {
    const app = await appFrom({
      TANDEM_ENCRYPTION_KEYS: generateKeySpec('k1'),
      GOOGLE_CLIENT_ID: 'tandem.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'secret',
      GOOGLE_BASE_URL: 'http://127.0.0.1:4501',
      SYNC_POLL_MINUTES: '15',
    });
    expect(app.keyRing().currentId).toBe('k1');
    expect(app.oauthApps.microsoft).toBeNull();
    const request = await app.oauthApps.google!.authorizationRequest({});
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:4501/o/oauth2/v2/auth');
    expect(url.searchParams.get('redirect_uri')).toBe(
      'http://localhost:3000/api/connections/google/callback',
    );
    expect(app.pollMinutes).toBe(15);
  });

  it('shares one database and one inline driver between the bundles of a process, and nothing else', async () => {
    const singletons: ProcessSingletons = {};
    const first = await appFrom({}, singletons);
    const second = await appFrom({}, singletons);
    expect(second.database).toBe(first.database);
    // Each bundle's own adapters throw the error classes its own code checks with instanceof.
    expect(second.providers).not.toBe(first.providers);
    first.startInlineCrons();
    const driver = singletons.inlineDriver;
    expect(driver).toBeDefined();
    second.startInlineCrons();
    expect(singletons.inlineDriver).toBe(driver);
    driver?.stopCrons();
  });

  it('binds the inbound SMTP listener once per process, whichever bundle starts it', async () => {
    const port = await freePort();
    const singletons: ProcessSingletons = {};
    const settings = { INBOUND_SMTP_PORT: String(port) };
    const bundles = [await appFrom(settings, singletons), await appFrom(settings, singletons)];
    for (const bundle of bundles)
      bundle.handleInboundItip = async () => ({ outcome: 'applied', detail: 'ok' });
    // A second bind of the same port would fail with EADDRINUSE.
    for (const bundle of bundles) await bundle.startInboundMail();
    const server = await singletons.inboundMail;
    expect(server?.port).toBe(port);
    await server?.close();
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
