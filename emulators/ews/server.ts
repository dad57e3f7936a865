import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { resolveSeed, loadSeedFile, type SeedFileInput } from '../shared/seed';
import { listen } from '../shared/http-server';
import {
  ImipMailer,
  startImipListener,
  type ImipListener,
  type InboundRecord,
  type OutboundImip,
} from '../shared/imip-mail';
import { getUserAvailability } from './availability';
import { AUTODISCOVER_PATH, autodiscoverResponse } from './autodiscover';
import {
  AUTODISCOVER_SOAP_PATH,
  autodiscoverSoapResponse,
  type AutodiscoverRedirect,
} from './autodiscover-soap';
import { applyImipToEws } from './imip-inbound';
import { outboundImip } from './imip-outbound';
import { OPERATIONS } from './operations';
import { resolveNamesHandler, type DirectoryEntry } from './resolve-names';
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
import { challengeMessage, newServerChallenge, parseNtlmHeader, verifyNtlmV2 } from './ntlm';
import { EwsError, EwsStore } from './store';
import type { MailboxRecord } from './store-types';

/**
 * The Exchange Web Services emulator (Exchange Server 2016/2019 on premises): SOAP 1.1 over
 * HTTPS at `/EWS/Exchange.asmx`, with the Microsoft emulator's fixture certificate, Basic and NTLM
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
  /** Mail contacts in the directory (ResolveNames finds them with MailboxType `Contact`; no mailbox). */
  contacts?: { email: string; name: string }[];
  /** Where iMIP to people not hosted here goes (`smtp://host:port`); recorded in `outbox` either way. */
  relayUrl?: string;
  /** Receives iMIP email for its mailboxes on this SMTP port (0: any free one); none when absent. */
  smtpPort?: number;
  /** Addresses Autodiscover (POX and SOAP) redirects, to another address or Autodiscover URL. */
  autodiscoverRedirects?: Record<string, AutodiscoverRedirect>;
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
  /** How many SOAP requests each operation received (and `Autodiscover`: its HTTP requests). */
  counts: Map<string, number>;
  /** The inbound SMTP listener's URL (`smtp://127.0.0.1:port`), when one was started. */
  smtpUrl: string | null;
  /** What the inbound SMTP listener did with each recipient of each message. */
  received(): InboundRecord[];
  /** Resolves when every queued outgoing iMIP message has been handed to the relay. */
  mailIdle(): Promise<void>;
  /** Makes Autodiscover redirect `email` (until the next reset), as `autodiscoverRedirects` does. */
  redirectAutodiscover(email: string, redirect: AutodiscoverRedirect): void;
  reset(): void;
  close(): Promise<void>;
}

type NodeEnv = { Bindings: HttpBindings };

const CERT_DIR = new URL('../microsoft/certs/', import.meta.url);
export const DEMO_SEED_PATH = new URL('../seed/demo.json', import.meta.url).pathname;

function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

/** A mailbox by the user name people sign in with: the address, `DOMAIN\user` or the local part. */
function mailboxOfUser(store: EwsStore, user: string): MailboxRecord | undefined {
  const name = user.toLowerCase().includes('\\') ? user.toLowerCase().split('\\')[1]! : user.toLowerCase();
  return (
    store.mailbox(name) ??
    [...store.mailboxes.values()].find((candidate) => candidate.email.split('@')[0] === name)
  );
}

/** `Basic base64(user:password)`. */
function authenticateBasic(store: EwsStore, header: string): MailboxRecord | null {
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const mailbox = mailboxOfUser(store, decoded.slice(0, colon));
  return mailbox && mailbox.password === decoded.slice(colon + 1) ? mailbox : null;
}

/** IIS's bare 401, before EWS runs, offering the schemes the virtual directory allows. */
function unauthorized(ntlmChallenge?: string): Response {
  const headers = new Headers({ 'content-type': 'text/html' });
  if (ntlmChallenge) headers.append('www-authenticate', ntlmChallenge);
  else {
    headers.append('www-authenticate', 'NTLM');
    headers.append('www-authenticate', 'Basic realm="exchange"');
  }
  return new Response('401 - Unauthorized: Access is denied due to invalid credentials.', {
    status: 401,
    headers,
  });
}

/**
 * The caller's mailbox, or the 401 to answer: Basic on any request; NTLM's Type 1 gets the
 * Type 2 challenge, kept for this connection, and the Type 3 that follows on it is checked
 * against it (emulators/ews/ntlm.ts).
 */
function authenticate(
  store: EwsStore,
  challenges: WeakMap<Socket, Buffer>,
  socket: Socket,
  header: string | undefined,
): MailboxRecord | Response {
  if (header?.startsWith('Basic ')) return authenticateBasic(store, header) ?? unauthorized();
  if (!header || !/^NTLM /i.test(header)) return unauthorized();
  const message = parseNtlmHeader(header);
  if (message.type === 1) {
    const challenge = newServerChallenge();
    challenges.set(socket, challenge);
    return unauthorized(challengeMessage(challenge));
  }
  const challenge = challenges.get(socket);
  challenges.delete(socket);
  if (message.type !== 3 || !challenge) return unauthorized();
  const mailbox = mailboxOfUser(store, message.user);
  return mailbox && verifyNtlmV2(message, mailbox.password, challenge) ? mailbox : unauthorized();
}

/**
 * `t:ExchangeImpersonation`: act as another mailbox, if the caller holds the ApplicationImpersonation
 * role for its domain (the role's management scope, here by domain). Refusals are SOAP faults, as
 * Exchange answers a header it cannot honour before the operation runs: no role →
 * `ErrorImpersonateUserDenied`, no such mailbox → `ErrorNonExistentMailbox`
 * (impersonation-and-ews-in-exchange; exchangeimpersonation; responsecode).
 */
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
  // Mail from organisers and attendees elsewhere, for the mailboxes hosted here (imip-inbound.ts).
  const inbound: ImipListener | null =
    options.smtpPort === undefined
      ? null
      : await startImipListener({
          port: options.smtpPort,
          host: options.host ?? '127.0.0.1',
          hosts: (address) => store.mailbox(address) !== undefined,
          deliver: (recipient, calendar) => applyImipToEws(store, recipient, calendar),
          now: () => new Date(),
        });
  let faults: EwsFault[] = [];
  const resolveNames = resolveNamesHandler((): DirectoryEntry[] => [
    ...[...store.mailboxes.values()].map((mailbox) => ({
      email: mailbox.email,
      name: mailbox.name,
      mailboxType: 'Mailbox' as const,
    })),
    ...(options.contacts ?? []).map((contact) => ({
      email: contact.email.toLowerCase(),
      name: contact.name,
      mailboxType: 'Contact' as const,
    })),
  ]);
  const counts = new Map<string, number>();
  const redirects = new Map<string, AutodiscoverRedirect>();
  const loadRedirects = () => {
    redirects.clear();
    for (const [email, redirect] of Object.entries(options.autodiscoverRedirects ?? {}))
      redirects.set(email.toLowerCase(), redirect);
  };
  loadRedirects();

  const app = new Hono<NodeEnv>();
  app.post('/__control/faults', async (c) => {
    const body = (await c.req.json()) as Partial<EwsFault>;
    faults.push({ kind: 'status', times: 1, ...body });
    return c.json({ ok: true });
  });
  app.post('/__control/reset', (c) => {
    load();
    loadRedirects();
    faults = [];
    counts.clear();
    return c.json({ ok: true });
  });
  // Adds a mailbox (an e2e suite's people, or a service account given `impersonates`); gone on reset.
  app.post('/__control/mailboxes', async (c) => {
    const body = (await c.req.json()) as {
      email?: unknown;
      name?: unknown;
      password?: unknown;
      impersonates?: unknown;
    };
    if (typeof body.email !== 'string' || !body.email.includes('@'))
      return c.json({ error: 'email is required' }, 400);
    const mailbox = store.addMailbox({
      email: body.email,
      name: typeof body.name === 'string' ? body.name : body.email,
      ...(typeof body.password === 'string' ? { password: body.password } : {}),
      ...(Array.isArray(body.impersonates)
        ? { impersonates: body.impersonates.filter((d): d is string => typeof d === 'string') }
        : {}),
    });
    return c.json({ email: mailbox.email, calendarFolderId: mailbox.calendarFolderId }, 201);
  });
  app.post('/__control/expire-sync-states', (c) => {
    store.expireSyncStates();
    return c.json({ ok: true });
  });

  const challenges = new WeakMap<Socket, Buffer>();
  const callerOf = (c: Context<NodeEnv>) =>
    authenticate(store, challenges, c.env.incoming.socket, c.req.header('authorization'));
  // NTLM clients (@ewsjs/xhr) send their Type 1 message on a GET before the SOAP POST.
  app.get('/EWS/Exchange.asmx', (c) => {
    const caller = callerOf(c);
    return caller instanceof Response ? caller : c.text('Exchange Web Services');
  });

  // POX Autodiscover (autodiscover.ts), behind the same IIS authentication as EWS.
  let ewsUrl = '';
  // A GET (also how NTLM clients open their handshake) has no request to read: Error 600.
  app.on(['GET', 'POST'], AUTODISCOVER_PATH, async (c) => {
    counts.set('Autodiscover', (counts.get('Autodiscover') ?? 0) + 1);
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
    return xml(
      autodiscoverResponse(store, c.req.method === 'POST' ? await c.req.text() : '', ewsUrl, redirects),
    );
  });
  // SOAP Autodiscover (autodiscover-soap.ts): GetUserSettings, behind the same authentication.
  app.post(AUTODISCOVER_SOAP_PATH, async (c) => {
    counts.set('Autodiscover', (counts.get('Autodiscover') ?? 0) + 1);
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
    return xml(autodiscoverSoapResponse(store, await c.req.text(), ewsUrl, redirects));
  });

  app.post('/EWS/Exchange.asmx', async (c) => {
    const caller = callerOf(c);
    if (caller instanceof Response) return caller;
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
      if (fault.status === 401) return unauthorized();
      return new Response('Service Unavailable', { status: fault.status ?? 503 });
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
      const handler = request.operation === 'ResolveNames' ? resolveNames : OPERATIONS[request.operation];
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
  ewsUrl = `${server.url}/EWS/Exchange.asmx`;
  return {
    url: server.url,
    endpoint: ewsUrl,
    port: server.port,
    store,
    outbox,
    counts,
    smtpUrl: inbound?.url ?? null,
    received: () => inbound?.received ?? [],
    mailIdle: () => mailer.idle(),
    redirectAutodiscover: (email, redirect) => void redirects.set(email.toLowerCase(), redirect),
    fault: (fault) => void faults.push({ kind: 'status', times: 1, ...fault }),
    reset: () => {
      outbox.splice(0);
      inbound?.received.splice(0);
      load();
      loadRedirects();
      faults = [];
      counts.clear();
    },
    close: async () => {
      await mailer.idle();
      mailer.close();
      await Promise.all([server.close(), inbound?.close()]);
    },
  };
}
