import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support: the check runs against the EWS emulator and a web server that is not Exchange.
import { startEwsEmulator, type EwsEmulator } from '@/emulators/ews/server';
import { DEFAULT_PASSWORD } from '@/emulators/ews/store';
import { checkExchangeServer, EXCHANGE_CHECK_MESSAGES } from './connect-check';

const ALEX = 'alex.morgan@northbridge-college.test';
const certs = new URL('../../../../emulators/microsoft/certs/', import.meta.url);
let emulator: EwsEmulator;
let website: Server;
let websiteUrl: string;

beforeAll(async () => {
  emulator = await startEwsEmulator();
  // An ordinary web site on HTTPS: it answers, but with a page, not SOAP.
  website = createServer(
    {
      key: readFileSync(new URL('emulator-key.pem', certs)),
      cert: readFileSync(new URL('emulator-cert.pem', certs)),
    },
    (request, response) => {
      request.resume();
      response
        .writeHead(request.url?.startsWith('/EWS') ? 404 : 200, { 'content-type': 'text/html' })
        .end('<html>Welcome</html>');
    },
  );
  await new Promise<void>((resolve) => website.listen(0, '127.0.0.1', resolve));
  websiteUrl = `https://127.0.0.1:${(website.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  website.closeAllConnections();
  await new Promise((resolve) => website.close(resolve));
});

const config = (endpoint: string, password = DEFAULT_PASSWORD) => ({
  endpoint,
  username: ALEX,
  password,
  auth: 'basic' as const,
  email: ALEX,
  addressPolicy: { allowLoopback: true },
});

describe('checking an Exchange Server before connecting it', () => {
  it('finds the calendar with the right password', async () => {
    const check = await checkExchangeServer(config(emulator.endpoint));
    expect(check).toMatchObject({ ok: true, calendarName: 'Calendar' });
  });

  it('says plainly when the password is wrong', async () => {
    expect(await checkExchangeServer(config(emulator.endpoint, 'wrong'))).toEqual({
      ok: false,
      reason: 'wrong_password',
      message: EXCHANGE_CHECK_MESSAGES.wrong_password,
    });
  });

  it('says plainly when nothing answers at that address', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    expect(await checkExchangeServer(config(`https://127.0.0.1:${closed}/EWS/Exchange.asmx`))).toMatchObject({
      ok: false,
      reason: 'unreachable',
    });
  });

  it('says plainly when the server answers but is not Exchange (404, or a web page)', async () => {
    for (const endpoint of [`${websiteUrl}/EWS/Exchange.asmx`, `${websiteUrl}/`]) {
      expect(await checkExchangeServer(config(endpoint))).toMatchObject({
        ok: false,
        reason: 'not_exchange',
      });
    }
  });
});
