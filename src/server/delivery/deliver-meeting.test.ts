/**
 * Delivery end to end: meetings made through the real scheduling service, the real
 * `deliver-meeting` job run by the inline driver, the real adapters against the Google and
 * Microsoft emulators and a real Radicale, and Tandem's email through real SMTP into a sink.
 * Each test uses its own tenant; emulator accounts are shared, so copies are counted by UID.
 */
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarConnections, meetingLinks, meetings, notifications, users } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { cancelMeeting, createMeeting } from '@/server/meetings/schedule';
import type { Actor } from '@/server/tenants/actor';
import { useTestDatabase } from '@/tests/support/database';
import {
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { TEST_IMIP_ADDRESS } from '@/tests/support/test-mail';
import { futureSlot } from '@/tests/support/job-testbed';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'delivery');
}, 60_000);
afterAll(() => t.close());

let slot = 0;
function meetingInput(attendeeUserIds: string[], guests: { email: string; name: string | null }[] = []) {
  slot += 1;
  const { start, end } = futureSlot(slot % 5, 8 + (slot % 9));
  return {
    kind: 'meeting' as const,
    title: `Review ${slot}`,
    description: 'Bring your portfolio',
    location: 'Room 4',
    onlineUrl: null,
    startsAt: start,
    endsAt: end,
    timeZone: 'Europe/London',
    attendeeUserIds,
    guests,
  };
}

async function send(
  organizer: Actor,
  attendeeIds: string[],
  guests: { email: string; name: string | null }[] = [],
) {
  const created = await createMeeting(t.schedule, organizer, meetingInput(attendeeIds, guests));
  await t.driver.idle();
  return getMeeting(t.database.db, organizer, created.id);
}

/** Live copies of the meeting in an emulated Google calendar (the store itself, not the API). */
function googleCopies(account: string, icalUid: string) {
  return t.google.emulator.control
    .storedEvents(account)
    .filter((event) => event.iCalUID === icalUid && event.status !== 'cancelled');
}

function microsoftCopies(account: string, icalUid: string) {
  const owner = t.microsoft.emulator.store.accountByIdOrEmail(account);
  if (!owner) throw new Error(`no Microsoft account ${account}`);
  return t.microsoft.emulator.store
    .eventsOfOwner(owner.id)
    .filter((event) => event.iCalUId === icalUid && !event.isCancelled);
}

async function radicaleObjects(username: string, icalUid: string): Promise<ICAL.Component[]> {
  const user = RADICALE_USERS.find((candidate) => candidate.username === username);
  if (!user) throw new Error(`no Radicale user ${username}`);
  const { createCalDavProvider } = await import('@/server/providers/caldav');
  const caldav = createCalDavProvider({
    kind: 'caldav',
    serverUrl: t.radicale.url,
    username: user.username,
    password: user.password,
    email: user.address,
    addressPolicy: { allowLoopback: true },
  });
  const calendarUrl = t.radicale.calendarUrl(username);
  const events = await caldav.readEvents(calendarUrl, {
    start: new Date(Date.now() - 86_400_000),
    end: new Date(Date.now() + 60 * 86_400_000),
  });
  const mine = events.filter((event) => event.iCalUid === icalUid);
  const vevents: ICAL.Component[] = [];
  for (const event of mine) {
    const response = await fetch(new URL(event.externalId, calendarUrl), {
      headers: {
        authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`,
      },
    });
    const component = new ICAL.Component(ICAL.parse(await response.text()));
    vevents.push(...component.getAllSubcomponents('vevent'));
  }
  return vevents;
}

async function person(actor: Actor): Promise<{ email: string; name: string | null }> {
  const [row] = await t.database.db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!row) throw new Error('no such user');
  return { email: row.email.toLowerCase(), name: row.name };
}

function googleInserts(): number {
  return (
    t.google.emulator.control.requestCounts().byRoute['POST /calendar/v3/calendars/:calendarId/events'] ?? 0
  );
}

async function linksOf(meetingId: string) {
  return t.database.db.select().from(meetingLinks).where(eq(meetingLinks.meetingId, meetingId));
}

describe('organiser on Google', () => {
  it('an attendee on Google gets the copy from Google itself: one write, one copy each, replays add nothing', async () => {
    const tenant = await t.freshTenant('g2g');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    t.google.emulator.control.resetRequestCounts();
    t.mail.clear();

    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    expect(googleInserts()).toBe(1);
    expect(googleCopies(GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    const [copy] = googleCopies(GOOGLE_ACCOUNTS.attendee, meeting.icalUid);
    expect(googleCopies(GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    expect(copy?.attendees?.map((attendee) => attendee.email)).toEqual([GOOGLE_ACCOUNTS.attendee]);
    expect(meeting.attendees).toEqual([
      expect.objectContaining({
        email: GOOGLE_ACCOUNTS.attendee,
        delivery: {
          method: 'organizer_provider',
          state: 'delivered',
          detail: 'invitation sent by Google Calendar',
        },
      }),
    ]);
    const [link] = await linksOf(meeting.id);
    expect(link).toMatchObject({
      role: 'organizer',
      state: 'written',
      writtenVersion: 1,
      icalUid: meeting.icalUid,
    });
    expect(link?.etag).toBeTruthy();
    // A member with a calendar gets no email from Tandem: Google invited them.
    expect(t.mail.messages).toHaveLength(0);

    // The same event again (an Inngest replay or a duplicate): nothing is written twice.
    const before = t.google.emulator.control.requestCounts().total;
    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: 1 },
    });
    await t.driver.idle();
    expect(t.google.emulator.control.requestCounts().total).toBe(before);
    expect(googleCopies(GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
  });

  it('a learner without a calendar and an outside guest: Google invites them, Tandem adds the answer links', async () => {
    const tenant = await t.freshTenant('g2none');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    t.mail.clear();
    const guest = { email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' };
    const meeting = await send(tenant.tutor, [tenant.learner.userId], [guest]);
    const learnerEmail = (await person(tenant.learner)).email;
    const invitedByGoogle = t.google.emulator.control
      .outbox()
      .filter((message) => message.iCalUID === meeting.icalUid);
    expect(invitedByGoogle.map((message) => message.to).sort()).toEqual([guest.email, learnerEmail].sort());
    for (const address of [guest.email, learnerEmail]) {
      const received = t.mail.to(address);
      expect(received).toHaveLength(1);
      // No calendar part: Google's own invitation is the calendar entry; this one only carries links.
      expect(received[0]?.calendar).toBeNull();
      const text = received[0]?.parsed.text ?? '';
      for (const response of ['accepted', 'tentative', 'declined'])
        expect(text).toMatch(new RegExp(`${t.appUrl}/answer/[^?\\s]+\\?response=${response}`));
    }
    expect(meeting.attendees.map((attendee) => [attendee.email, attendee.name, attendee.delivery])).toEqual(
      [
        [
          guest.email,
          'Morgan Lee',
          { method: 'organizer_provider', state: 'delivered', detail: 'email sent' },
        ],
        [
          learnerEmail,
          expect.any(String),
          { method: 'organizer_provider', state: 'delivered', detail: 'email sent' },
        ],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });
});

describe('organiser without a calendar', () => {
  it('Tandem is the organiser of record and emails the iMIP REQUEST itself, once', async () => {
    const tenant = await t.freshTenant('none');
    t.mail.clear();
    const guest = { email: 'mentor@brightworks.test', name: 'Morgan Lee' };
    const meeting = await send(tenant.tutor, [tenant.learner.userId], [guest]);
    const learnerEmail = (await person(tenant.learner)).email;
    for (const address of [learnerEmail, guest.email]) {
      const [received, ...more] = t.mail.to(address);
      expect(more).toHaveLength(0);
      expect(received?.calendar?.method).toBe('REQUEST');
      const vcalendar = new ICAL.Component(ICAL.parse(received?.calendar?.content ?? ''));
      expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
      const vevent = vcalendar.getFirstSubcomponent('vevent');
      expect(vevent?.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
      expect(vevent?.getFirstPropertyValue('sequence')).toBe(0);
      const organizer = vevent?.getFirstProperty('organizer');
      expect(organizer?.getFirstValue()).toBe(`mailto:${TEST_IMIP_ADDRESS}`);
      expect(organizer?.getParameter('cn')).toBe((await person(tenant.tutor)).name);
      expect(vcalendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe(
        'Europe/London',
      );
      expect(received?.parsed.text).toContain('?response=accepted');
    }
    expect(meeting.attendees.every((attendee) => attendee.delivery.method === 'tandem_email')).toBe(true);
    expect(meeting.attendees.every((attendee) => attendee.delivery.detail === 'email sent')).toBe(true);

    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: 1 },
    });
    await t.driver.idle();
    expect(t.mail.to(learnerEmail)).toHaveLength(1);

    await cancelMeeting(t.schedule, tenant.tutor, meeting.id);
    await t.driver.idle();
    const cancellation = t.mail.to(learnerEmail)[1];
    expect(cancellation?.calendar?.method).toBe('CANCEL');
    const cancelled = new ICAL.Component(
      ICAL.parse(cancellation?.calendar?.content ?? ''),
    ).getFirstSubcomponent('vevent');
    expect(cancelled?.getFirstPropertyValue('sequence')).toBe(1);
    expect(cancelled?.getFirstPropertyValue('status')).toBe('CANCELLED');
  });
});

describe('organiser on Microsoft 365', () => {
  it('an attendee on Microsoft gets Exchange’s own copy; Graph’s UID becomes the meeting’s', async () => {
    const tenant = await t.freshTenant('m2m');
    await t.connect(tenant.tutor, 'microsoft', MICROSOFT_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'microsoft', MICROSOFT_ACCOUNTS.attendee);
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    expect(meeting.icalUid).not.toMatch(/@tandem$/);
    expect(microsoftCopies(MICROSOFT_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(microsoftCopies(MICROSOFT_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    expect(meeting.attendees[0]?.delivery).toEqual({
      method: 'organizer_provider',
      state: 'delivered',
      detail: 'invitation sent by Outlook',
    });
    expect(meeting.organizerCopy).toMatchObject({ state: 'written' });
  });
});

describe('attendees on CalDAV without scheduling (Radicale)', () => {
  it('Tandem places the copy: same UID, the organiser named, the attendee needs action', async () => {
    const tenant = await t.freshTenant('g2dav');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.learner, 'caldav', leo.address);
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    const [copy, ...more] = await radicaleObjects(leo.username, meeting.icalUid);
    expect(more).toHaveLength(0);
    expect(copy?.getFirstProperty('organizer')?.getFirstValue()).toBe(`mailto:${GOOGLE_ACCOUNTS.organizer}`);
    const attendee = copy?.getFirstProperty('attendee');
    expect(attendee?.getFirstValue()).toBe(`mailto:${leo.address}`);
    expect(attendee?.getParameter('partstat')).toBe('NEEDS-ACTION');
    expect(copy?.getFirstPropertyValue('sequence')).toBe(0);
    expect(meeting.attendees[0]?.delivery).toEqual({
      method: 'tandem_copy',
      state: 'delivered',
      detail: 'in their CalDAV calendar',
    });
    const links = await linksOf(meeting.id);
    expect(links.map((link) => link.role).sort()).toEqual(['attendee', 'organizer']);

    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: 1 },
    });
    await t.driver.idle();
    expect(await radicaleObjects(leo.username, meeting.icalUid)).toHaveLength(1);
  });

  it('an organiser on Radicale: their copy there, and Tandem emails the invitations', async () => {
    const tenant = await t.freshTenant('dav2g');
    const rita = RADICALE_USERS[1];
    await t.connect(tenant.tutor, 'caldav', rita.address);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.third);
    t.mail.clear();
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    expect(await radicaleObjects(rita.username, meeting.icalUid)).toHaveLength(1);
    const [invitation, ...more] = t.mail.to(GOOGLE_ACCOUNTS.third);
    expect(more).toHaveLength(0);
    expect(invitation?.calendar?.method).toBe('REQUEST');
    expect(meeting.attendees[0]?.delivery).toEqual({
      method: 'tandem_email',
      state: 'delivered',
      detail: 'email sent',
    });
  });

  it('an organiser without a calendar: the copy names Tandem’s reply address as organiser', async () => {
    const tenant = await t.freshTenant('none2dav');
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.learner, 'caldav', leo.address);
    t.mail.clear();
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    const [copy] = await radicaleObjects(leo.username, meeting.icalUid);
    expect(copy?.getFirstProperty('organizer')?.getFirstValue()).toBe(`mailto:${TEST_IMIP_ADDRESS}`);
    expect(t.mail.to(leo.address)).toHaveLength(0);
  });
});

describe('linking copies, echoes and showing once', () => {
  it('after delivery and sync, tutor and learner each see the meeting once; our own write coming back changes nothing', async () => {
    const tenant = await t.freshTenant('once');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const learnerCalendar = await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    const notificationsBefore = await t.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.tenantId, tenant.tenantId));

    const { syncCalendar } = await import('@/server/sync/sync-calendar');
    const organizerSync = await syncCalendar(t.sync, {
      tenantId: tenant.tenantId,
      calendarId: tutorCalendar.calendarId,
    });
    expect(organizerSync.links).toMatchObject({ echoes: 1, changedOrganizerCopies: [] });
    const attendeeSync = await syncCalendar(t.sync, {
      tenantId: tenant.tenantId,
      calendarId: learnerCalendar.calendarId,
    });
    expect(attendeeSync.links).toMatchObject({ linkedAttendeeCopies: 1 });

    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.version).toBe(meeting.version);
    expect(after.attendees[0]?.delivery.detail).toBe('in Google Calendar');
    expect(
      await t.database.db.select().from(notifications).where(eq(notifications.tenantId, tenant.tenantId)),
    ).toHaveLength(notificationsBefore.length);

    const { readCalendarFeed } = await import('@/server/calendar/feed');
    const range = {
      from: new Date(meeting.startsAt.getTime() - 3_600_000),
      to: new Date(meeting.endsAt.getTime() + 3_600_000),
    };
    for (const viewer of [tenant.tutor, tenant.learner]) {
      const feed = await readCalendarFeed(t.database.db, viewer, range);
      const shown = [
        ...feed.meetings.filter((item) => item.id === meeting.id),
        ...feed.externalEvents.filter((item) => item.title === meeting.title),
      ];
      expect(shown).toHaveLength(1);
    }

    // Changed at Google since our write (here: the attendee answered there): no longer an echo.
    const guest = t.google.emulator.control
      .storedEvents(GOOGLE_ACCOUNTS.attendee)
      .find((event) => event.iCalUID === after.icalUid);
    const { createGoogleProvider } = await import('@/server/providers/google/provider');
    const { TESTBED_CLIENT } = await import('@/emulators/google/testbed');
    const { googleEndpointsAt } = await import('@/server/providers/google/config');
    const attendeeGoogle = createGoogleProvider({
      config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(t.google.url) },
      tokens: t.google.tokens(GOOGLE_ACCOUNTS.attendee),
    });
    await attendeeGoogle.respondToEvent(GOOGLE_ACCOUNTS.attendee, guest?.id ?? '', 'accepted');
    const changed = await syncCalendar(t.sync, {
      tenantId: tenant.tenantId,
      calendarId: tutorCalendar.calendarId,
    });
    expect(changed.links).toMatchObject({ echoes: 0, changedOrganizerCopies: [{ meetingId: meeting.id }] });
  });
});

describe('failures during delivery', () => {
  it('Google down: the write is retried, then the meeting is there once', async () => {
    const tenant = await t.freshTenant('down');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    t.sleeps.length = 0;
    t.google.emulator.control.preset('server_error', {
      status: 503,
      method: 'POST',
      pathIncludes: '/events',
      times: 1,
    });
    const meeting = await send(tenant.tutor, [tenant.learner.userId]);
    expect(t.sleeps.length).toBeGreaterThan(0);
    expect(googleCopies(GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(googleCopies(GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    expect(meeting.attendees[0]?.delivery.state).toBe('delivered');
  });

  it('revoked access: the connection needs reconnecting, the attendee is not reached, the tutor is told, the meeting stays', async () => {
    const tenant = await t.freshTenant('revoked');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.third);
    const learner = await person(tenant.learner);
    t.google.emulator.control.revokeGrants(GOOGLE_ACCOUNTS.third);
    try {
      const meeting = await send(tenant.tutor, [tenant.learner.userId]);
      const [connection] = await t.database.db
        .select({ status: calendarConnections.status })
        .from(calendarConnections)
        .where(eq(calendarConnections.id, tutorCalendar.connectionId));
      expect(connection?.status).toBe('needs_reauth');
      expect(meeting.status).toBe('scheduled');
      expect(meeting.attendees[0]?.email).toBe(learner.email);
      const told = await t.database.db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.tenantId, tenant.tenantId),
            eq(notifications.userId, tenant.tutor.userId),
            eq(notifications.kind, 'meeting_delivery_failed'),
          ),
        );
      expect(told).toHaveLength(1);
      expect(meeting.organizerCopy).toMatchObject({
        state: 'failed',
        detail: 'could not deliver: reconnect your calendar',
      });
      const [row] = await t.database.db.select().from(meetings).where(eq(meetings.id, meeting.id));
      expect(row?.status).toBe('scheduled');
    } finally {
      t.google.emulator.control.reset();
    }
  });
});
