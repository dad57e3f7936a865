import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import { resolveSeed, loadSeedFile, type SeedFileInput } from '../shared/seed';
import { listen } from '../shared/http-server';
import {
  ImipMailer,
  startImipListener,
  type ImipListener,
  type InboundRecord,
  type OutboundImip,
} from '../shared/imip-mail';
import { authenticate } from './auth';
import type { AutodiscoverRedirect } from './autodiscover-soap';
import { autodiscoverRoutes } from './autodiscover-routes';
import { controlRoutes } from './control-routes';
import { FaultQueue, type EwsFault } from './faults';
import type { CallerOf, NodeEnv } from './http';
import { applyImipToEws } from './imip-inbound';
import { outboundImip } from './imip-outbound';
import { resolveNamesHandler, type DirectoryEntry } from './resolve-names';
import { soapRoutes } from './soap-routes';
import { EwsStore } from './store';

/**
 * The Exchange Web Services emulator (Exchange Server 2016/2019 on premises): SOAP 1.1 over
 * HTTPS at `/EWS/Exchange.asmx`, with the Microsoft emulator's fixture certificate, Basic and NTLM
 * authentication, impersonation, and fault injection. Dev, demo and test tool only. This file wires
 * the parts together: auth.ts (who a request acts as), soap-routes.ts (EWS dispatch),
 * autodiscover-routes.ts, control-routes.ts (`/__control/*`), imip-inbound.ts (SMTP).
 */

export type { EwsFault } from './faults';

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

const CERT_DIR = new URL('../microsoft/certs/', import.meta.url);
export const DEMO_SEED_PATH = new URL('../seed/demo.json', import.meta.url).pathname;

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
  const faults = new FaultQueue();
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

  const resetState = () => {
    load();
    loadRedirects();
    faults.clear();
    counts.clear();
  };

  const app = new Hono<NodeEnv>();
  const challenges = new WeakMap<Socket, Buffer>();
  const callerOf: CallerOf = (c) =>
    authenticate(store, challenges, c.env.incoming.socket, c.req.header('authorization'));
  let ewsUrl = '';
  controlRoutes(app, { store, faults, reset: resetState });
  soapRoutes(app, { store, faults, counts, callerOf, resolveNames });
  autodiscoverRoutes(app, { store, counts, callerOf, redirects, ewsUrl: () => ewsUrl });

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
    fault: (fault) => faults.add(fault),
    reset: () => {
      outbox.splice(0);
      inbound?.received.splice(0);
      resetState();
    },
    close: async () => {
      await mailer.idle();
      mailer.close();
      await Promise.all([server.close(), inbound?.close()]);
    },
  };
}
