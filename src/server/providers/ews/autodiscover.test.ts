import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// Test support: Autodiscover runs against the EWS emulator's POX endpoint.
import { startEwsEmulator, type EwsEmulator } from '@/emulators/ews/server';
import { DEFAULT_PASSWORD } from '@/emulators/ews/store';
import { NTLM_DOMAIN } from '@/emulators/ews/ntlm';
import { defaultAutodiscoverCandidates, discoverEwsUrl } from './autodiscover';

const ALEX = 'alex.morgan@northbridge-college.test';
const certs = new URL('../../../../emulators/microsoft/certs/', import.meta.url);
let emulator: EwsEmulator;
/** An HTTPS server on loopback that is not Exchange: every path is a 404 page. */
let website: Server;
let websiteUrl: string;

beforeAll(async () => {
  emulator = await startEwsEmulator();
  website = createServer(
    {
      key: readFileSync(new URL('emulator-key.pem', certs)),
      cert: readFileSync(new URL('emulator-cert.pem', certs)),
    },
    (request, response) => {
      request.resume();
      response.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not found</html>');
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

const basic = (password = DEFAULT_PASSWORD) => ({
  username: ALEX,
  password,
  auth: 'basic' as const,
  addressPolicy: { allowLoopback: true },
});
const emulatorPox = () => `${emulator.url}/autodiscover/autodiscover.xml`;

describe('finding the EWS address from an email address (POX Autodiscover)', () => {
  it('tries https://<domain>/autodiscover/… first, then https://autodiscover.<domain>/…, SOAP before POX at each, as Microsoft documents', () => {
    expect(defaultAutodiscoverCandidates('northbridge-college.test')).toEqual([
      'https://northbridge-college.test/autodiscover/autodiscover.svc',
      'https://northbridge-college.test/autodiscover/autodiscover.xml',
      'https://autodiscover.northbridge-college.test/autodiscover/autodiscover.svc',
      'https://autodiscover.northbridge-college.test/autodiscover/autodiscover.xml',
    ]);
  });

  it('finds the EwsUrl at the first candidate that answers, for the address’s domain', async () => {
    const asked: string[] = [];
    const found = await discoverEwsUrl(ALEX, basic(), {
      candidatesFor: (domain) => {
        asked.push(domain);
        // The first does not answer (a closed port), the second is a web site, the third Exchange.
        return [
          'https://127.0.0.1:9/autodiscover/autodiscover.xml',
          `${websiteUrl}/autodiscover/autodiscover.xml`,
          emulatorPox(),
        ];
      },
    });
    expect(asked).toEqual(['northbridge-college.test']);
    expect(found).toEqual({ kind: 'found', ewsUrl: emulator.endpoint });
    expect(emulator.counts.get('Autodiscover')).toBeGreaterThan(0);
  });

  it('signs in with NTLM where the connection uses it', async () => {
    const found = await discoverEwsUrl(
      ALEX,
      { ...basic(), auth: 'ntlm', username: `${NTLM_DOMAIN}\\alex.morgan` },
      { candidatesFor: () => [emulatorPox()] },
    );
    expect(found).toEqual({ kind: 'found', ewsUrl: emulator.endpoint });
  });

  it('an address Exchange does not know, or no Autodiscover anywhere, finds nothing; a refused password says so', async () => {
    const only = { candidatesFor: () => [emulatorPox()] };
    expect(await discoverEwsUrl('nobody@northbridge-college.test', basic(), only)).toEqual({ kind: 'none' });
    expect(
      await discoverEwsUrl(ALEX, basic(), {
        candidatesFor: () => [`${websiteUrl}/autodiscover/autodiscover.xml`],
      }),
    ).toEqual({ kind: 'none' });
    expect(await discoverEwsUrl(ALEX, basic('wrong'), only)).toEqual({ kind: 'refused' });
  });

  it('never sends to an address the policy refuses: loopback in production', async () => {
    const before = emulator.counts.get('Autodiscover') ?? 0;
    const found = await discoverEwsUrl(
      ALEX,
      { ...basic(), addressPolicy: { allowLoopback: false } },
      { candidatesFor: () => [emulatorPox()] },
    );
    expect(found).toEqual({ kind: 'none' });
    expect(emulator.counts.get('Autodiscover') ?? 0).toBe(before);
  });
});

const MOVED = 'moved.user@northbridge-college.test';
const emulatorSoap = () => `${emulator.url}/autodiscover/autodiscover.svc`;
const autodiscoverRequests = () => emulator.counts.get('Autodiscover') ?? 0;

describe('SOAP Autodiscover and redirects', () => {
  beforeEach(() => emulator.reset());

  it('finds the ExternalEwsUrl with GetUserSettings at an autodiscover.svc candidate', async () => {
    const found = await discoverEwsUrl(ALEX, basic(), { candidatesFor: () => [emulatorSoap()] });
    expect(found).toEqual({ kind: 'found', ewsUrl: emulator.endpoint });
    expect(autodiscoverRequests()).toBe(1);
  });

  it('follows a RedirectAddress (SOAP) and a redirectAddr (POX) once, asking again for the new address', async () => {
    emulator.redirectAutodiscover(MOVED, { address: ALEX });
    const asked: string[] = [];
    for (const candidate of [emulatorSoap, emulatorPox]) {
      const found = await discoverEwsUrl(MOVED, basic(), {
        candidatesFor: (domain) => {
          asked.push(domain);
          return [candidate()];
        },
      });
      expect(found).toEqual({ kind: 'found', ewsUrl: emulator.endpoint });
    }
    expect(asked).toEqual(Array(4).fill('northbridge-college.test'));
    expect(autodiscoverRequests()).toBe(4);
  });

  it('follows a RedirectUrl once, to another server', async () => {
    const other = await startEwsEmulator();
    try {
      emulator.redirectAutodiscover(ALEX, { url: `${other.url}/autodiscover/autodiscover.svc` });
      const found = await discoverEwsUrl(ALEX, basic(), { candidatesFor: () => [emulatorSoap()] });
      expect(found).toEqual({ kind: 'found', ewsUrl: other.endpoint });
      expect(other.counts.get('Autodiscover')).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('refuses a second redirect: A → B → A stops after asking for B, with nothing found', async () => {
    emulator.redirectAutodiscover(ALEX, { address: MOVED });
    emulator.redirectAutodiscover(MOVED, { address: ALEX });
    const found = await discoverEwsUrl(ALEX, basic(), { candidatesFor: () => [emulatorSoap()] });
    expect(found).toEqual({ kind: 'none' });
    expect(autodiscoverRequests()).toBe(2);
  });

  it('refuses a second redirect even when it leads somewhere: B → C → A finds nothing', async () => {
    emulator.redirectAutodiscover(MOVED, { address: 'third@northbridge-college.test' });
    emulator.redirectAutodiscover('third@northbridge-college.test', { address: ALEX });
    const found = await discoverEwsUrl(MOVED, basic(), { candidatesFor: () => [emulatorSoap()] });
    expect(found).toEqual({ kind: 'none' });
    expect(autodiscoverRequests()).toBe(2);
  });

  it('refuses a redirect back to what it just asked (a URL to itself) without asking again', async () => {
    emulator.redirectAutodiscover(ALEX, { url: emulatorSoap() });
    const found = await discoverEwsUrl(ALEX, basic(), { candidatesFor: () => [emulatorSoap()] });
    expect(found).toEqual({ kind: 'none' });
    expect(autodiscoverRequests()).toBe(1);
  });
});
