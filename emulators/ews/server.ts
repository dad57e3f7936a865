import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { resolveSeed, loadSeedFile, type SeedFileInput } from '../shared/seed';
import { listen } from '../shared/http-server';
import { ImipMailer, type OutboundImip } from '../shared/imip-mail';
import { getUserAvailability } from './availability';
import { outboundImip } from './imip-outbound';
import { OPERATIONS } from './operations';
import {
  buildEnvelope,
  buildSoapFault,
  buildSoapResponse,
  NS,
  node,
  parseSoapRequest,
  SoapParseError,
  text,
  type XmlNode,
} from './soap';
import { EwsError, EwsStore } from './store';
import type { MailboxRecord } from './store-types';

/**
 * The Exchange Web Services emulator (Exchange Server 2016/2019 on premises): SOAP 1.1 over
 * HTTPS at `/EWS/Exchange.asmx`, with the Microsoft emulator's fixture certificate, Basic
 * authentication, impersonation, and fault injection. Dev, demo and test tool only.
 */

export interface EwsFault {
  /** `serverBusy`: a SOAP fault ErrorServerBusy with BackOffMilliseconds; `status`: a bare HTTP status. */
  kind: 'serverBusy' | 'status';
  status?: 401 | 500 | 503;
  backOffMs?: number;
  /** Only requests of this operation (e.g. `SyncFolderItems`). */
  operation?: string;
  times: number;
}

export interface EwsEmulatorOptions {
  port?: number;
  host?: string;
  /** The shared demo seed or its path; default emulators/seed/demo.json. */
  seed?: SeedFileInput | string;
  /** Extra mailboxes (e.g. a service account with ApplicationImpersonation for some domains). */
  extraMailboxes?: { email: string; name: string; password?: string; impersonates?: string[] }[];
  /** Where iMIP to people not hosted here goes (`smtp://host:port`); recorded in `outbox` either way. */
  relayUrl?: string;
}

export interface EwsEmulator {
  /** e.g. https://127.0.0.1:4510; the endpoint is `${url}/EWS/Exchange.asmx`. */
  url: string;
  endpoint: string;
  port: number;
  store: EwsStore;
  fault(fault: Partial<EwsFault>): void;
  /** Every iMIP message sent to people not hosted here, oldest first. */
  outbox: OutboundImip[];
  /** How many SOAP requests each operation received. */
  counts: Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

const CERT_DIR = new URL('../microsoft/certs/', import.meta.url);
export const DEMO_SEED_PATH = new URL('../seed/demo.json', import.meta.url).pathname;

function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

/** `Basic base64(user:password)`; the user may be the address or `DOMAIN\user` (its local part). */
function authenticate(store: EwsStore, header: string | undefined): MailboxRecord | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon).toLowerCase();
  const password = decoded.slice(colon + 1);
  const name = user.includes('\\') ? user.split('\\')[1]! : user;
  const mailbox =
    store.mailbox(name) ??
    [...store.mailboxes.values()].find((candidate) => candidate.email.split('@')[0] === name);
  return mailbox && mailbox.password === password ? mailbox : null;
}

/** `t:ExchangeImpersonation`: act as another mailbox, if the caller holds the role for its domain. */
function actingMailbox(store: EwsStore, caller: MailboxRecord, header: XmlNode): MailboxRecord {
  const sid = node(node(header, 'ExchangeImpersonation'), 'ConnectingSID');
  if (!sid) return caller;
  const address =
    text(sid, 'PrimarySmtpAddress') ?? text(sid, 'SmtpAddress') ?? text(sid, 'PrincipalName') ?? '';
  const target = store.mailbox(address);
  const domain = address.split('@')[1]?.toLowerCase() ?? '';
  if (!caller.impersonates.includes(domain))
    throw new EwsError(
      'ErrorImpersonateUserDenied',
      'The account does not have permission to impersonate the requested user.',
    );
  if (!target)
    throw new EwsError('ErrorNonExistentMailbox', `The SMTP address has no mailbox associated with it.`);
  return target;
}

export async function startEwsEmulator(options: EwsEmulatorOptions = {}): Promise<EwsEmulator> {
  const store = new EwsStore();
  const seedInput =
    typeof options.seed === 'object' ? options.seed : loadSeedFile(options.seed ?? DEMO_SEED_PATH);
  const load = () => {
    store.clear();
    // The shared seed names its provider per account; EWS hosts the accounts Microsoft hosts.
    store.loadSeed(resolveSeed(seedInput, new Date(), 'microsoft'));
    for (const extra of options.extraMailboxes ?? []) store.addMailbox(extra);
  };
  load();
  const mailer = new ImipMailer(options.relayUrl);
  const outbox: OutboundImip[] = [];
  store.outside = (message) => {
    const mail = outboundImip(message, new Date());
    outbox.push(mail);
    mailer.send(mail);
  };
  let faults: EwsFault[] = [];
  const counts = new Map<string, number>();

  const app = new Hono();
  app.post('/__control/faults', async (c) => {
    const body = (await c.req.json()) as Partial<EwsFault>;
    faults.push({ kind: 'status', times: 1, ...body });
    return c.json({ ok: true });
  });
  app.post('/__control/reset', (c) => {
    load();
    faults = [];
    counts.clear();
    return c.json({ ok: true });
  });
  app.post('/__control/expire-sync-states', (c) => {
    store.expireSyncStates();
    return c.json({ ok: true });
  });

  app.post('/EWS/Exchange.asmx', async (c) => {
    const caller = authenticate(store, c.req.header('authorization'));
    if (!caller) {
      // IIS answers 401 before EWS runs, offering the schemes the virtual directory allows.
      return new Response('401 - Unauthorized: Access is denied due to invalid credentials.', {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="exchange"', 'content-type': 'text/html' },
      });
    }
    let request;
    try {
      request = parseSoapRequest(await c.req.text());
    } catch (error) {
      if (error instanceof SoapParseError)
        return xml(buildSoapFault('ErrorSchemaValidation', error.message), 500);
      throw error;
    }
    counts.set(request.operation, (counts.get(request.operation) ?? 0) + 1);
    const faultIndex = faults.findIndex((fault) => !fault.operation || fault.operation === request.operation);
    if (faultIndex >= 0) {
      const fault = faults[faultIndex]!;
      fault.times -= 1;
      if (fault.times <= 0) faults.splice(faultIndex, 1);
      if (fault.kind === 'serverBusy') {
        return xml(
          buildSoapFault(
            'ErrorServerBusy',
            'The server cannot service this request right now. Try again later.',
            {
              BackOffMilliseconds: String(fault.backOffMs ?? 1000),
            },
          ),
          500,
        );
      }
      return new Response(fault.status === 401 ? '401 - Unauthorized' : 'Service Unavailable', {
        status: fault.status ?? 503,
        headers: fault.status === 401 ? { 'www-authenticate': 'Basic realm="exchange"' } : {},
      });
    }
    try {
      const mailbox = actingMailbox(store, caller, request.header);
      if (request.operation === 'GetUserAvailabilityRequest') {
        return xml(
          buildEnvelope({
            'm:GetUserAvailabilityResponse': {
              '@_xmlns:m': NS.messages,
              '@_xmlns:t': NS.types,
              ...getUserAvailability(store, request.header, request.body),
            },
          }),
        );
      }
      const handler = OPERATIONS[request.operation];
      if (!handler)
        return xml(
          buildSoapFault('ErrorInvalidRequest', `The emulator does not implement ${request.operation}.`),
          500,
        );
      return xml(buildSoapResponse(request.operation, handler({ store, mailbox }, request.body)));
    } catch (error) {
      if (error instanceof EwsError) return xml(buildSoapFault(error.code, error.message), 500);
      throw error;
    }
  });

  const server = await listen(app, {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tls: {
      key: readFileSync(new URL('emulator-key.pem', CERT_DIR)),
      cert: readFileSync(new URL('emulator-cert.pem', CERT_DIR)),
    },
  });
  return {
    url: server.url,
    endpoint: `${server.url}/EWS/Exchange.asmx`,
    port: server.port,
    store,
    outbox,
    counts,
    fault: (fault) => void faults.push({ kind: 'status', times: 1, ...fault }),
    reset: () => {
      outbox.splice(0);
      load();
      faults = [];
      counts.clear();
    },
    close: async () => {
      await mailer.idle();
      mailer.close();
      await server.close();
    },
  };
}
