/**
 * Delivery where Tandem places copies itself (CalDAV without scheduling, a real Radicale), the
 * linking of copies found by sync with echo suppression and "shows once", and failures during
 * delivery (provider down, access revoked). Same set-up as deliver-meeting.test.ts.
 */
import { and, eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { calendarConnections, meetings, notifications } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { updateMeeting } from '@/server/meetings/schedule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@/tests/support/database';
import {
  deliveryMailTo,
  deliveryMails,
  googleCopies,
  linksOf,
  radicaleObjects,
  send,
} from '@/tests/support/delivery-checks';
import {
  GOOGLE_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { TEST_IMIP_ADDRESS } from '@/tests/support/test-mail';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'copies');
}, 60_000);
afterAll(() => t.close());

describe('attendees on CalDAV without scheduling (Radicale)', () => {
  it('Tandem places the copy: same UID, the organiser named, the attendee needs action', async () => {
    const tenant = await t.freshTenant('g2dav');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.learner, 'caldav', leo.address);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const [copy, ...more] = await radicaleObjects(t, leo.username, meeting.icalUid);
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
    const links = await linksOf(t, meeting.id);
    expect(links.map((link) => link.role).sort()).toEqual(['attendee', 'organizer']);

    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: 1 },
    });
    await t.driver.idle();
    expect(await radicaleObjects(t, leo.username, meeting.icalUid)).toHaveLength(1);
  });

  it('a learner who deleted the placed copy before any sync: a later edit records the deletion as their answer and does not put it back', async () => {
    const tenant = await t.freshTenant('deleted-copy');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.learner, 'caldav', leo.address);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const copyLink = (await linksOf(t, meeting.id)).find((link) => link.role === 'attendee');
    expect(copyLink?.externalId).toBeTruthy();
    const deleted = await fetch(new URL(copyLink?.externalId ?? '', t.radicale.calendarUrl(leo.username)), {
      method: 'DELETE',
      headers: {
        authorization: `Basic ${Buffer.from(`${leo.username}:${leo.password}`).toString('base64')}`,
      },
    });
    expect(deleted.ok).toBe(true);

    await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: meeting.version,
      title: 'Progress review (agenda attached)',
    });
    await t.driver.idle();
    expect(await radicaleObjects(t, leo.username, meeting.icalUid)).toHaveLength(0);
    const [learner] = (await getMeeting(t.database.db, tenant.tutor, meeting.id)).attendees;
    expect(learner?.response).toBe('declined');
    expect(learner?.delivery.detail).toBe('removed it from their calendar');
  });

  it('an organiser on Radicale: their copy there, and Tandem emails the invitations', async () => {
    const tenant = await t.freshTenant('dav2g');
    const rita = RADICALE_USERS[1];
    await t.connect(tenant.tutor, 'caldav', rita.address);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.third);
    t.mail.clear();
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(await radicaleObjects(t, rita.username, meeting.icalUid)).toHaveLength(1);
    const [invitation, ...more] = deliveryMailTo(t, GOOGLE_ACCOUNTS.third);
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
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const [copy] = await radicaleObjects(t, leo.username, meeting.icalUid);
    expect(copy?.getFirstProperty('organizer')?.getFirstValue()).toBe(`mailto:${TEST_IMIP_ADDRESS}`);
    expect(deliveryMailTo(t, leo.address)).toHaveLength(0);
  });
});

describe('removing an attendee', () => {
  const live = (copies: ICAL.Component[]) =>
    copies.filter((copy) => copy.getFirstPropertyValue('status') !== 'CANCELLED');

  it('Tandem as organiser of record sends the removed person a CANCEL, once; the meeting no longer shows them', async () => {
    const tenant = await t.freshTenant('remove-email');
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId, tenant.otherLearner.userId]);
    const leaving = meeting.attendees.find((attendee) => attendee.userId === tenant.otherLearner.userId);
    const staying = meeting.attendees.find((attendee) => attendee.userId === tenant.learner.userId);
    expect(leaving?.delivery.method).toBe('tandem_email');
    t.mail.clear();

    const updated = await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: meeting.version,
      attendeeUserIds: [tenant.learner.userId],
    });
    await t.driver.idle();
    const [cancel, ...more] = deliveryMailTo(t, leaving?.email ?? '');
    expect(more).toHaveLength(0);
    expect(cancel?.calendar?.method).toBe('CANCEL');
    const ics = ICAL.Component.fromString(cancel?.calendar?.content ?? '');
    const vevent = ics.getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
    expect(vevent?.getFirstPropertyValue('sequence')).toBe(updated.sequence);
    expect(vevent?.getFirstProperty('attendee')?.getFirstValue()).toBe(`mailto:${leaving?.email}`);
    expect(deliveryMailTo(t, staying?.email ?? '').map((mail) => mail.calendar?.method)).toEqual(['REQUEST']);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees.map((attendee) => attendee.userId)).toEqual([tenant.learner.userId]);

    // A replayed or duplicated event tells nobody twice.
    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: updated.version },
    });
    await t.driver.idle();
    expect(deliveryMailTo(t, leaving?.email ?? '')).toHaveLength(1);
  });

  it('the copy Tandem placed in the removed person’s CalDAV calendar is removed', async () => {
    const tenant = await t.freshTenant('remove-copy');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.learner, 'caldav', leo.address);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId, tenant.otherLearner.userId]);
    expect(live(await radicaleObjects(t, leo.username, meeting.icalUid))).toHaveLength(1);

    await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: meeting.version,
      attendeeUserIds: [tenant.otherLearner.userId],
    });
    await t.driver.idle();
    expect(live(await radicaleObjects(t, leo.username, meeting.icalUid))).toHaveLength(0);
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees.map((attendee) => attendee.userId)).toEqual([tenant.otherLearner.userId]);
  });
});

describe('linking copies, echoes and showing once', () => {
  it('after delivery and sync, tutor and learner each see the meeting once; our own write coming back changes nothing', async () => {
    const tenant = await t.freshTenant('once');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    const learnerCalendar = await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
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
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(t.sleeps.length).toBeGreaterThan(0);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    expect(meeting.attendees[0]?.delivery.state).toBe('delivered');
  });

  it('revoked access: the connection needs reconnecting, the attendee is not reached, the tutor is told, the meeting stays', async () => {
    const tenant = await t.freshTenant('revoked');
    const tutorCalendar = await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.third);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    t.google.emulator.control.revokeGrants(GOOGLE_ACCOUNTS.third);
    try {
      const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
      const [connection] = await t.database.db
        .select({ status: calendarConnections.status })
        .from(calendarConnections)
        .where(eq(calendarConnections.id, tutorCalendar.connectionId));
      expect(connection?.status).toBe('needs_reauth');
      expect(meeting.status).toBe('scheduled');
      expect(meeting.attendees[0]).toMatchObject({
        email: GOOGLE_ACCOUNTS.attendee,
        delivery: {
          method: 'organizer_provider',
          state: 'failed',
          detail: 'could not deliver: reconnect your calendar',
        },
      });
      expect(googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(0);
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
      expect(told[0]?.payload).toMatchObject({
        meetingId: meeting.id,
        attendees: [expect.objectContaining({ email: GOOGLE_ACCOUNTS.attendee })],
      });
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

  it('revoked access: nobody is told "email sent" for an invitation that never left, and the plan stays the organiser’s', async () => {
    const tenant = await t.freshTenant('revoked-plan');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.third);
    t.google.emulator.control.revokeGrants(GOOGLE_ACCOUNTS.third);
    t.mail.clear();
    const guest = { email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' };
    try {
      const meeting = await send(t, tenant.tutor, [tenant.otherLearner.userId], [guest]);
      // A member without a calendar and a guest: the provider's invitation never left, so neither did the links.
      for (const attendee of meeting.attendees) {
        expect(attendee.delivery).toMatchObject({ method: 'organizer_provider', state: 'failed' });
        expect(attendee.delivery.detail).not.toBe('email sent');
      }
      expect(deliveryMailTo(t, guest.email)).toHaveLength(0);

      // The next change while the organiser still has to reconnect: Tandem does not take over as organiser.
      const moved = await updateMeeting(t.schedule, tenant.tutor, {
        id: meeting.id,
        version: meeting.version,
        title: 'Moved while disconnected',
      });
      await t.driver.idle();
      const after = await getMeeting(t.database.db, tenant.tutor, moved.id);
      expect(deliveryMails(t)).toHaveLength(0);
      expect(after.attendees.map((attendee) => attendee.delivery)).toEqual([
        {
          method: 'organizer_provider',
          state: 'pending',
          detail: 'waiting for Google: the organiser needs to reconnect',
        },
        {
          method: 'organizer_provider',
          state: 'pending',
          detail: 'waiting for Google: the organiser needs to reconnect',
        },
      ]);
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
      expect(told.length).toBeGreaterThanOrEqual(2);
      expect(told.at(-1)?.payload).toMatchObject({
        detail: 'reconnect your calendar so your meeting can be sent',
      });
    } finally {
      t.google.emulator.control.reset();
    }
  });
});
