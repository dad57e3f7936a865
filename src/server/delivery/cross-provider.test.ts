/**
 * Across providers, as the real ones do it: Google emails an invitation for an address it does
 * not host as iMIP, and Exchange adds it to that mailbox's calendar (and the other way round);
 * Exchange Server on premises (EWS) likewise, and its attendee's answer goes back as a REPLY.
 * The emulators' SMTP (GOOGLE_EMULATOR_SMTP_PORT, MICROSOFT_EMULATOR_SMTP_PORT,
 * EWS_EMULATOR_SMTP_PORT, EMULATOR_SMTP_RELAY_URL; see the mail world contract) carries it
 * through a small relay that routes by domain, as the mail exchange does.
 */
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { calendarConnections, calendars } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { createMeeting } from '@/server/meetings/schedule';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { useTestDatabase } from '@/tests/support/database';
import { EWS_ACCOUNTS, startDeliveryTestbed, type DeliveryTestbed } from '@/tests/support/delivery-testbed';
import { futureSlot } from '@/tests/support/job-testbed';
import { freePort } from '@/tests/support/local-server';

const GMAIL = 'daniel.okafor@gmail.test';
const OUTLOOK = 'sam.personal@outlook.test';
/** A mailbox of the EWS emulator; its domain is routed to Exchange Server in this world. */
const EXCHANGE = EWS_ACCOUNTS.attendee;

let t: DeliveryTestbed;
let relay: SMTPServer;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  const [googleSmtp, microsoftSmtp, ewsSmtp, relayPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const routes: [string, number][] = [
    ['@gmail.test', googleSmtp],
    ['@outlook.test', microsoftSmtp],
    [`@${EXCHANGE.split('@')[1]}`, ewsSmtp],
  ];
  const routeOf = (address: string) => routes.find(([domain]) => address.endsWith(domain))?.[1] ?? null;
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const deliveries = session.envelope.rcptTo.flatMap((rcpt) => {
          const port = routeOf(rcpt.address.toLowerCase());
          if (!port) return [];
          const transport = nodemailer.createTransport({
            host: '127.0.0.1',
            port,
            secure: false,
            ignoreTLS: true,
          });
          return [transport.sendMail({ envelope: { from, to: [rcpt.address] }, raw })];
        });
        Promise.all(deliveries).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
  t = await startDeliveryTestbed(await useTestDatabase(), 'cross', {
    mail: {
      googleSmtpPort: googleSmtp,
      microsoftSmtpPort: microsoftSmtp,
      ewsSmtpPort: ewsSmtp,
      relayUrl: `smtp://127.0.0.1:${relayPort}`,
    },
    // Tandem's own iMIP travels the same way, as it would through the internet's MX records.
    tandemSmtpUrl: `smtp://127.0.0.1:${relayPort}`,
    googleSeed: {
      tenant: 'Cross',
      accounts: [{ email: GMAIL, name: 'Daniel Okafor', timeZone: 'Europe/London', events: [] }],
    },
  });
  // The emulators' inbound SMTP must be up, or every case below would wait for nothing.
  expect(await listening(googleSmtp)).toBe(true);
  expect(await listening(microsoftSmtp)).toBe(true);
  expect(await listening(ewsSmtp)).toBe(true);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

/** The member's connected calendar as its adapter sees it (to answer there, as its owner would). */
async function ownCalendar(tenantId: string, connected: { connectionId: string; calendarId: string }) {
  const [connection] = await t.database.db
    .select()
    .from(calendarConnections)
    .where(
      and(eq(calendarConnections.id, connected.connectionId), eq(calendarConnections.tenantId, tenantId)),
    );
  const [calendar] = await t.database.db
    .select({ externalId: calendars.externalId })
    .from(calendars)
    .where(and(eq(calendars.id, connected.calendarId), eq(calendars.tenantId, tenantId)));
  return {
    provider: await t.registry.forConnection(t.database.db, connection!),
    externalId: calendar!.externalId,
  };
}

async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what = 'the invitation',
): Promise<T> {
  for (let attempt = 0; attempt < 80; attempt += 1) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} never arrived`);
}

describe('across providers by iMIP email', () => {
  it('Google organiser → Outlook.com attendee: Exchange adds the invitation, needs action', async () => {
    const tenant = await t.freshTenant('g2o');
    await t.connect(tenant.tutor, 'google', GMAIL);
    await t.connect(tenant.learner, 'microsoft', OUTLOOK);
    const { start, end } = futureSlot(1, 10);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      kind: 'meeting',
      title: 'Placement review',
      description: null,
      location: null,
      onlineUrl: null,
      startsAt: start,
      endsAt: end,
      timeZone: 'Europe/London',
      attendeeUserIds: [tenant.learner.userId],
      guests: [],
    });
    await t.driver.idle();
    const meeting = await getMeeting(t.database.db, tenant.tutor, created.id);
    const owner = t.microsoft.emulator.store.accountByIdOrEmail(OUTLOOK);
    const copies = await eventually(() => {
      const found = t.microsoft.emulator.store
        .eventsOfOwner(owner?.id ?? '')
        .filter((event) => event.iCalUId === meeting.icalUid && !event.isCancelled);
      return found.length > 0 ? found : undefined;
    });
    expect(copies).toHaveLength(1);
    expect(meeting.attendees[0]?.delivery.method).toBe('organizer_provider');
  });

  it('Outlook organiser → Gmail attendee: Google adds the invitation, needs action', async () => {
    const tenant = await t.freshTenant('o2g');
    await t.connect(tenant.tutor, 'microsoft', OUTLOOK);
    await t.connect(tenant.learner, 'google', GMAIL);
    const { start, end } = futureSlot(2, 11);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      kind: 'meeting',
      title: 'Mentor check-in',
      description: null,
      location: null,
      onlineUrl: null,
      startsAt: start,
      endsAt: end,
      timeZone: 'Europe/London',
      attendeeUserIds: [tenant.learner.userId],
      guests: [],
    });
    await t.driver.idle();
    const meeting = await getMeeting(t.database.db, tenant.tutor, created.id);
    const copies = await eventually(() => {
      const found = t.google.emulator.control
        .storedEvents(GMAIL)
        .filter((event) => event.iCalUID === meeting.icalUid && event.status !== 'cancelled');
      return found.length > 0 ? found : undefined;
    });
    expect(copies).toHaveLength(1);
  });

  it('Tandem as organiser of record → a Gmail and an Outlook.com attendee: each provider adds Tandem’s iMIP invitation', async () => {
    const tenant = await t.freshTenant('none2both');
    await t.connect(tenant.learner, 'google', GMAIL);
    await t.connect(tenant.otherLearner, 'microsoft', OUTLOOK);
    const { start, end } = futureSlot(3, 14);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      kind: 'review',
      title: 'Twelve-week review',
      description: null,
      location: 'Room 3',
      onlineUrl: null,
      startsAt: start,
      endsAt: end,
      timeZone: 'Europe/London',
      attendeeUserIds: [tenant.learner.userId, tenant.otherLearner.userId],
      guests: [],
    });
    await t.driver.idle();
    const meeting = await getMeeting(t.database.db, tenant.tutor, created.id);
    const inGmail = await eventually(() => {
      const found = t.google.emulator.control
        .storedEvents(GMAIL)
        .filter((event) => event.iCalUID === meeting.icalUid && event.status !== 'cancelled');
      return found.length > 0 ? found : undefined;
    });
    const owner = t.microsoft.emulator.store.accountByIdOrEmail(OUTLOOK);
    const inOutlook = await eventually(() => {
      const found = t.microsoft.emulator.store
        .eventsOfOwner(owner?.id ?? '')
        .filter((event) => event.iCalUId === meeting.icalUid && !event.isCancelled);
      return found.length > 0 ? found : undefined;
    });
    expect(inGmail).toHaveLength(1);
    expect(inOutlook).toHaveLength(1);
    expect(inOutlook[0]?.responseStatus?.response).toBe('notResponded');
    expect(meeting.attendees.map((attendee) => attendee.delivery.method)).toEqual([
      'tandem_email',
      'tandem_email',
    ]);
  });

  it('Google organiser → Exchange Server attendee: Exchange adds the invitation; accepted in Exchange, the REPLY reaches Google and Tandem shows it', async () => {
    const tenant = await t.freshTenant('g2x');
    const tutor = await t.connect(tenant.tutor, 'google', GMAIL);
    const learner = await t.connect(tenant.learner, 'ews', EXCHANGE);
    const { start, end } = futureSlot(4, 15);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      kind: 'meeting',
      title: 'Work placement visit',
      description: null,
      location: 'Reception',
      onlineUrl: null,
      startsAt: start,
      endsAt: end,
      timeZone: 'Europe/London',
      attendeeUserIds: [tenant.learner.userId],
      guests: [],
    });
    await t.driver.idle();
    const meeting = await getMeeting(t.database.db, tenant.tutor, created.id);
    expect(meeting.attendees[0]?.delivery.method).toBe('organizer_provider');
    const mailbox = t.ews.store.mailbox(EXCHANGE);
    const copy = await eventually(() =>
      [...(mailbox?.items.values() ?? [])].find((item) => item.uid === meeting.icalUid),
    );
    expect(copy).toMatchObject({
      organizer: { email: GMAIL },
      myResponse: 'NoResponseReceived',
      freeBusy: 'Tentative',
      isMeeting: true,
      start,
    });
    expect(t.ews.received().map((record) => [record.method, record.to, record.outcome])).toContainEqual([
      'REQUEST',
      EXCHANGE,
      'added as not responded',
    ]);

    // Priya accepts in Exchange (AcceptItem, as Outlook sends it); Exchange emails the REPLY.
    const exchange = await ownCalendar(tenant.tenantId, learner);
    await exchange.provider.respondToEvent(exchange.externalId, copy.id, 'accepted');
    await t.ews.mailIdle();
    const answered = await eventually(() => {
      const [event] = t.google.emulator.control
        .storedEvents(GMAIL)
        .filter((stored) => stored.iCalUID === meeting.icalUid);
      const entry = event?.attendees?.find((attendee) => attendee.email === EXCHANGE);
      return entry?.responseStatus === 'accepted' ? entry : undefined;
    }, 'the REPLY');
    expect(answered.responseStatus).toBe('accepted');

    // Tandem learns it from the organiser's Google calendar (the learner's is not synced here).
    await syncCalendar(t.sync, { tenantId: tenant.tenantId, calendarId: tutor.calendarId });
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees[0]).toMatchObject({ response: 'accepted' });
  });

  it('Exchange Server organiser → Gmail attendee: Google adds Exchange’s invitation; accepted in Gmail, the REPLY reaches Exchange and Tandem shows it', async () => {
    const tenant = await t.freshTenant('x2g');
    const tutor = await t.connect(tenant.tutor, 'ews', EWS_ACCOUNTS.organizer);
    const learner = await t.connect(tenant.learner, 'google', GMAIL);
    const { start, end } = futureSlot(5, 9);
    const created = await createMeeting(t.schedule, tenant.tutor, {
      kind: 'meeting',
      title: 'Portfolio review',
      description: null,
      location: null,
      onlineUrl: null,
      startsAt: start,
      endsAt: end,
      timeZone: 'Europe/London',
      attendeeUserIds: [tenant.learner.userId],
      guests: [],
    });
    await t.driver.idle();
    await t.ews.mailIdle();
    const meeting = await getMeeting(t.database.db, tenant.tutor, created.id);
    const copy = await eventually(() =>
      t.google.emulator.control
        .storedEvents(GMAIL)
        .find((event) => event.iCalUID === meeting.icalUid && event.status !== 'cancelled'),
    );

    const gmail = await ownCalendar(tenant.tenantId, learner);
    await gmail.provider.respondToEvent(gmail.externalId, copy.id, 'accepted');
    await t.google.emulator.control.mailIdle();
    const organizers = t.ews.store.mailbox(EWS_ACCOUNTS.organizer);
    const answered = await eventually(() => {
      const item = [...(organizers?.items.values() ?? [])].find((entry) => entry.uid === meeting.icalUid);
      const entry = item?.attendees.find((attendee) => attendee.email === GMAIL);
      return entry?.response === 'Accept' ? entry : undefined;
    }, 'the REPLY');
    expect(answered.lastResponseTime).toBeInstanceOf(Date);
    expect(t.ews.received().map((record) => [record.method, record.to, record.outcome])).toContainEqual([
      'REPLY',
      EWS_ACCOUNTS.organizer,
      `${GMAIL} Accept`,
    ]);

    // Tandem learns it from the organiser's Exchange calendar (SyncFolderItems).
    await syncCalendar(t.sync, { tenantId: tenant.tenantId, calendarId: tutor.calendarId });
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees[0]).toMatchObject({ response: 'accepted' });
  });
});
