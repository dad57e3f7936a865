/**
 * The delivery bench's world: the delivery testbed (Google and Microsoft emulators with their iMIP
 * SMTP, Radicale, a mail sink, the inline driver running the real job functions), the mail
 * exchange between them as in the demo (mail-world.md), and a loopback "app" that receives both
 * emulators' push notifications and hands them to the real webhook services, so that answers come
 * back through the push path (webhook → sync → answers from the mirror).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { startMailExchange, type MailExchange } from '../emulators/mail-exchange/server';
import type { ConnectionRow } from '../src/server/connections/provider-registry';
import type { DatabaseHandle } from '../src/server/db/client';
import { calendarConnections, calendars, tenants } from '../src/server/db/schema';
import type { CalendarProvider } from '../src/server/providers/types';
import { ensurePushChannel } from '../src/server/sync/push-channels';
import { syncCalendar } from '../src/server/sync/sync-calendar';
import { receiveGoogleNotification, receiveGraphNotifications } from '../src/server/sync/webhooks';
import { findActor, type Actor } from '../src/server/tenants/actor';
import { provisionTenant } from '../src/server/tenants/provisioning';
import {
  startDeliveryTestbed,
  type CalendarKind,
  type DeliveryTestbed,
} from '../tests/support/delivery-testbed';
import { freePort } from '../tests/support/local-server';

/** Google accounts of the bench (the Microsoft ones are the emulator's own seed). */
/**
 * Accounts of the bench, each connected in one tenant only (as in the world: one account, one
 * person), so that a push on a calendar starts one sync, not one per tenant that connected it.
 * The Google ones are seeded here; the Microsoft ones are the emulator's own seed.
 */
export const GMAIL = {
  g2gTutor: 'daniel.okafor@gmail.test',
  g2gLearner: 'sam.taylor@gmail.test',
  g2oTutor: 'grace.hall@gmail.test',
  callsTutor: 'ivan.jones@gmail.test',
  callsLearners: [
    'ava.brown@gmail.test',
    'ben.clark@gmail.test',
    'cara.diaz@gmail.test',
    'dan.evans@gmail.test',
    'eve.ford@gmail.test',
  ],
  mixedTutor: 'mia.chen@gmail.test',
  mixedLearners: ['finn.gray@gmail.test', 'hana.ito@gmail.test'],
} as const;
export const MICROSOFT = {
  m2mTutor: 'tutor2@northbridge.test',
  m2mLearner: 'learner6@northbridge.test',
  callsTutor: 'tutor1@northbridge.test',
  callsLearners: [
    'learner1@northbridge.test',
    'learner2@northbridge.test',
    'learner3@northbridge.test',
    'learner4@northbridge.test',
    'learner5@northbridge.test',
  ],
  /** The one Outlook.com mailbox of the seed: the iMIP pair's attendee and the mixed group's. */
  outlook: 'sam.personal@outlook.test',
} as const;
export const CALDAV_LEO = 'leo.martin@northbridge.test';

export interface BenchMember {
  actor: Actor;
  /** Set once connected: the write-target calendar. */
  calendar?: { kind: CalendarKind; account: string; connectionId: string; calendarId: string };
}

export interface DeliveryWorld {
  t: DeliveryTestbed;
  exchange: MailExchange;
  /** A tenant with a tutor and `learners` learners, the calendar integration on. */
  tenant(label: string, learners: number): Promise<{ tutor: BenchMember; learners: BenchMember[] }>;
  connect(member: BenchMember, kind: CalendarKind, account: string): Promise<void>;
  /** As the app's import-connection job: the first sync, then the push channel. */
  importWithPush(member: BenchMember): Promise<void>;
  /** The account's own API client: what the user's calendar app does on their behalf. */
  providerOf(member: BenchMember): Promise<CalendarProvider>;
  externalCalendarId(member: BenchMember): Promise<string>;
  /** Until the emulators' mail and pushes are done and the driver has run what they caused. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming))
    if (typeof value === 'string') headers.set(name, value);
  return headers;
}

function readBody(req: import('node:http').IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startDeliveryWorld(handle: DatabaseHandle): Promise<DeliveryWorld> {
  const [googleSmtpPort, microsoftSmtpPort, relayPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const t = await startDeliveryTestbed({ db: handle.db, kind: handle.kind }, 'bench-delivery', {
    mail: { googleSmtpPort, microsoftSmtpPort, relayUrl: `smtp://127.0.0.1:${relayPort}` },
    googleSeed: {
      tenant: 'Bench',
      accounts: Object.values(GMAIL)
        .flat()
        .map((email) => ({
          email,
          name: email.split('@')[0] ?? email,
          timeZone: 'Europe/London',
          events: [],
        })),
    },
  });
  const microsoftSmtp = `smtp://127.0.0.1:${microsoftSmtpPort}`;
  const exchange = await startMailExchange({
    port: relayPort,
    host: '127.0.0.1',
    routes: [
      { domain: 'gmail.test', smtpUrl: `smtp://127.0.0.1:${googleSmtpPort}` },
      { domain: 'outlook.test', smtpUrl: microsoftSmtp },
      { domain: 'northbridge-college.test', smtpUrl: microsoftSmtp },
      { domain: 'brightworks.test', smtpUrl: microsoftSmtp },
    ],
    fallbackSmtpUrl: t.mail.url,
  });

  const webhookDeps = { db: handle.db, jobs: t.driver, now: () => new Date() };
  const app = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loopback');
    const validation = url.searchParams.get('validationToken');
    if (validation !== null) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(validation);
      return;
    }
    const work = url.pathname.endsWith('/microsoft')
      ? readBody(req).then((body) => receiveGraphNotifications(webhookDeps, JSON.parse(body) as unknown))
      : receiveGoogleNotification(webhookDeps, toHeaders(req.headers));
    work.then(
      () => res.writeHead(url.pathname.endsWith('/microsoft') ? 202 : 200).end(),
      () => res.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

  async function connectionOf(member: BenchMember): Promise<ConnectionRow> {
    const [row] = await handle.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, member.calendar?.connectionId ?? ''));
    if (!row) throw new Error('bench member not connected');
    return row;
  }

  return {
    t,
    exchange,
    async tenant(label, learners) {
      const slug = `bench-${label}-${crypto.randomUUID().slice(0, 8)}`;
      const handles = ['tutor', ...Array.from({ length: learners }, (_, index) => `learner${index + 1}`)];
      const { tenantId, userIds } = await provisionTenant(handle.db, {
        name: `Bench ${label}`,
        slug,
        members: handles.map((name, index) => ({
          email: `${name}@${slug}.test`,
          name: `Bench ${name}`,
          role: index === 0 ? ('tutor' as const) : ('learner' as const),
          permissions: [],
          timeZone: 'Europe/London',
          passwordHash: 'unused',
        })),
      });
      await handle.db
        .update(tenants)
        .set({ calendarIntegrationEnabled: true })
        .where(eq(tenants.id, tenantId));
      const members = await Promise.all(
        handles.map(async (name) => {
          const actor = await findActor(handle.db, {
            userId: userIds.get(`${name}@${slug}.test`) ?? '',
            tenantId,
          });
          if (!actor) throw new Error(`bench member ${name} missing`);
          return { actor };
        }),
      );
      return { tutor: members[0] as BenchMember, learners: members.slice(1) };
    },
    async connect(member, kind, account) {
      const connected = await t.connect(member.actor, kind, account);
      member.calendar = { kind, account, ...connected };
    },
    async importWithPush(member) {
      const target = { tenantId: member.actor.tenantId, calendarId: member.calendar?.calendarId ?? '' };
      await syncCalendar(t.sync, target);
      const { status } = await ensurePushChannel({ ...t.sync, appUrl }, target);
      if (status !== 'created')
        throw new Error(`bench: no push channel for ${member.calendar?.account} (${status})`);
    },
    async providerOf(member) {
      return t.registry.forConnection(handle.db, await connectionOf(member));
    },
    async externalCalendarId(member) {
      const [row] = await handle.db
        .select({ externalId: calendars.externalId })
        .from(calendars)
        .where(
          and(
            eq(calendars.tenantId, member.actor.tenantId),
            eq(calendars.id, member.calendar?.calendarId ?? ''),
          ),
        );
      if (!row) throw new Error('bench calendar missing');
      return row.externalId;
    },
    async settle() {
      // Mail causes pushes, pushes cause syncs, syncs can cause writes: a few rounds reach a fixed point.
      for (let round = 0; round < 3; round += 1) {
        await Promise.all([t.google.emulator.control.mailIdle(), t.microsoft.emulator.mailIdle()]);
        await t.google.emulator.control.pushIdle();
        // Graph notifications are posted on a timer of 0 ms; give them a turn of the event loop.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await t.driver.idle();
      }
    },
    async close() {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await exchange.close();
      await t.close();
    },
  };
}
