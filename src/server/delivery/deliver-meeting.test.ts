/**
 * Delivery end to end: meetings made through the real scheduling service, the real
 * `deliver-meeting` job run by the inline driver, the real adapters against the Google and
 * Microsoft emulators, and Tandem's email through real SMTP into a sink. Each test uses its own
 * tenant; emulator accounts are shared, so copies are counted by UID.
 */
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { calendarConnections, calendars } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { respondToMeeting } from '@/server/meetings/responses';
import { syncCalendar } from '@/server/sync/sync-calendar';
import { cancelMeeting, updateMeeting } from '@/server/meetings/schedule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@/tests/support/database';
import {
  ewsCopies,
  googleCopies,
  googleInserts,
  linksOf,
  microsoftCopies,
  person,
  radicaleObjects,
  send,
  deliveryMailTo,
  deliveryMails,
} from '@/tests/support/delivery-checks';
import {
  EWS_ACCOUNTS,
  GOOGLE_ACCOUNTS,
  MICROSOFT_ACCOUNTS,
  RADICALE_USERS,
  startDeliveryTestbed,
  type DeliveryTestbed,
} from '@/tests/support/delivery-testbed';
import { TEST_IMIP_ADDRESS } from '@/tests/support/test-mail';

let t: DeliveryTestbed;

beforeAll(async () => {
  t = await startDeliveryTestbed(await useTestDatabase(), 'delivery');
}, 60_000);
afterAll(() => t.close());

describe('organiser on Google', () => {
  it('an attendee on Google gets the copy from Google itself: one write, one copy each, replays add nothing', async () => {
    const tenant = await t.freshTenant('g2g');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    t.google.emulator.control.resetRequestCounts();
    t.mail.clear();

    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(googleInserts(t)).toBe(1);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    const [copy] = googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
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
    const [link] = await linksOf(t, meeting.id);
    expect(link).toMatchObject({
      role: 'organizer',
      state: 'written',
      writtenVersion: 1,
      icalUid: meeting.icalUid,
    });
    expect(link?.etag).toBeTruthy();
    // A member with a calendar gets no email from Tandem: Google invited them.
    expect(deliveryMails(t)).toHaveLength(0);

    // The same event again (an Inngest replay or a duplicate): nothing is written twice.
    const before = t.google.emulator.control.requestCounts().total;
    await t.driver.send({
      name: 'tandem/meeting.changed',
      data: { tenantId: tenant.tenantId, meetingId: meeting.id, version: 1 },
    });
    await t.driver.idle();
    expect(t.google.emulator.control.requestCounts().total).toBe(before);
    expect(googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
  });

  it('a learner without a calendar and an outside guest: Google invites them, Tandem adds the answer links', async () => {
    const tenant = await t.freshTenant('g2none');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    t.mail.clear();
    const guest = { email: 'morgan.lee@brightworks.test', name: 'Morgan Lee' };
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId], [guest]);
    const learnerEmail = (await person(t, tenant.learner)).email;
    const invitedByGoogle = t.google.emulator.control
      .outbox()
      .filter((message) => message.iCalUID === meeting.icalUid);
    expect(invitedByGoogle.map((message) => message.to).sort()).toEqual([guest.email, learnerEmail].sort());
    for (const address of [guest.email, learnerEmail]) {
      const received = deliveryMailTo(t, address);
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
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId], [guest]);
    const learnerEmail = (await person(t, tenant.learner)).email;
    for (const address of [learnerEmail, guest.email]) {
      const [received, ...more] = deliveryMailTo(t, address);
      expect(more).toHaveLength(0);
      expect(received?.calendar?.method).toBe('REQUEST');
      const vcalendar = new ICAL.Component(ICAL.parse(received?.calendar?.content ?? ''));
      expect(vcalendar.getFirstPropertyValue('method')).toBe('REQUEST');
      const vevent = vcalendar.getFirstSubcomponent('vevent');
      expect(vevent?.getFirstPropertyValue('uid')).toBe(meeting.icalUid);
      expect(vevent?.getFirstPropertyValue('sequence')).toBe(0);
      const organizer = vevent?.getFirstProperty('organizer');
      expect(organizer?.getFirstValue()).toBe(`mailto:${TEST_IMIP_ADDRESS}`);
      expect(organizer?.getParameter('cn')).toBe((await person(t, tenant.tutor)).name);
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
    expect(deliveryMailTo(t, learnerEmail)).toHaveLength(1);

    await cancelMeeting(t.schedule, tenant.tutor, meeting.id);
    await t.driver.idle();
    const cancellation = deliveryMailTo(t, learnerEmail)[1];
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
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(meeting.icalUid).not.toMatch(/@tandem$/);
    expect(microsoftCopies(t, MICROSOFT_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    expect(microsoftCopies(t, MICROSOFT_ACCOUNTS.attendee, meeting.icalUid)).toHaveLength(1);
    expect(meeting.attendees[0]?.delivery).toEqual({
      method: 'organizer_provider',
      state: 'delivered',
      detail: 'invitation sent by Outlook',
    });
    expect(meeting.organizerCopy).toMatchObject({ state: 'written' });
  });
});

describe('organiser on Exchange Server (EWS)', () => {
  /** The member's connected Exchange calendar as its adapter sees it. */
  async function exchangeCalendar(connected: { connectionId: string; calendarId: string }) {
    const [connection] = await t.database.db
      .select()
      .from(calendarConnections)
      .where(eq(calendarConnections.id, connected.connectionId));
    const [calendar] = await t.database.db
      .select({ externalId: calendars.externalId })
      .from(calendars)
      .where(eq(calendars.id, connected.calendarId));
    return {
      provider: await t.registry.forConnection(t.database.db, connection!),
      externalId: calendar!.externalId,
    };
  }

  it('an attendee on Exchange gets Exchange’s own copy; an answer given there comes back by sync, and one given in Tandem reaches the organiser’s copy', async () => {
    const tenant = await t.freshTenant('x2x');
    const tutor = await t.connect(tenant.tutor, 'ews', EWS_ACCOUNTS.organizer);
    const learner = await t.connect(tenant.learner, 'ews', EWS_ACCOUNTS.attendee);
    t.mail.clear();
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    expect(ewsCopies(t, EWS_ACCOUNTS.organizer, meeting.icalUid)).toHaveLength(1);
    const [copy, ...more] = ewsCopies(t, EWS_ACCOUNTS.attendee, meeting.icalUid);
    expect(more).toHaveLength(0);
    expect(copy).toMatchObject({
      organizer: { email: EWS_ACCOUNTS.organizer },
      myResponse: 'NoResponseReceived',
    });
    expect(meeting.attendees[0]?.delivery).toEqual({
      method: 'organizer_provider',
      state: 'delivered',
      detail: 'invitation sent by Exchange',
    });
    expect(meeting.organizerCopy).toMatchObject({ state: 'written' });
    // Exchange invited the member itself: no email from Tandem.
    expect(deliveryMails(t)).toHaveLength(0);

    // Priya accepts in her own Exchange calendar; the next sync of it brings the answer.
    const own = await exchangeCalendar(learner);
    await own.provider.respondToEvent(own.externalId, copy!.id, 'tentative');
    await syncCalendar(t.sync, { tenantId: tenant.tenantId, calendarId: learner.calendarId });
    const answered = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(answered.attendees[0]).toMatchObject({ response: 'tentative' });

    // Then she answers in Tandem instead: written to her Exchange copy, which Exchange passes on.
    await respondToMeeting(
      t.database.db,
      tenant.learner,
      { id: meeting.id, response: 'accepted' },
      new Date(),
      t.jobDeps.jobs,
    );
    // The answer job (tandem/meeting.answered) writes it, run here by the inline driver.
    await t.driver.idle();
    expect(ewsCopies(t, EWS_ACCOUNTS.attendee, meeting.icalUid)[0]?.myResponse).toBe('Accept');
    const [organizers] = ewsCopies(t, EWS_ACCOUNTS.organizer, meeting.icalUid);
    expect(organizers?.attendees.find((attendee) => attendee.email === EWS_ACCOUNTS.attendee)?.response).toBe(
      'Accept',
    );
    await syncCalendar(t.sync, { tenantId: tenant.tenantId, calendarId: tutor.calendarId });
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees[0]).toMatchObject({ response: 'accepted' });
  });
  it('a learner without a calendar and an outside guest: Exchange emails them the invitation (iMIP), Tandem adds the answer links', async () => {
    const tenant = await t.freshTenant('x2none');
    await t.connect(tenant.tutor, 'ews', EWS_ACCOUNTS.organizer);
    t.mail.clear();
    // Not a mailbox of the emulator (Morgan Lee is one: Exchange would deliver to her itself).
    const guest = { email: 'kai.brooks@brightworks.test', name: 'Kai Brooks' };
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId], [guest]);
    const learnerEmail = (await person(t, tenant.learner)).email;
    const invitedByExchange = t.ews.outbox.filter(
      (message) => message.method === 'REQUEST' && message.ics.includes(`UID:${meeting.icalUid}`),
    );
    expect(invitedByExchange.map((message) => message.to.email).sort()).toEqual(
      [guest.email, learnerEmail].sort(),
    );
    for (const address of [guest.email, learnerEmail]) {
      const [received, ...others] = deliveryMailTo(t, address);
      expect(others).toHaveLength(0);
      // Exchange's invitation is the calendar entry; Tandem's email only carries the links.
      expect(received?.calendar).toBeNull();
      expect(received?.parsed.text).toMatch(new RegExp(`${t.appUrl}/answer/[^?\\s]+\\?response=accepted`));
    }
    expect(meeting.attendees.map((attendee) => attendee.delivery)).toEqual([
      { method: 'organizer_provider', state: 'delivered', detail: 'email sent' },
      { method: 'organizer_provider', state: 'delivered', detail: 'email sent' },
    ]);
  });
});

describe('changes after delivery', () => {
  it('a move is written to the organiser’s copy with If-Match; a copy changed meanwhile (412) is re-read and written once more', async () => {
    const tenant = await t.freshTenant('move');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    const meeting = await send(t, tenant.tutor, [tenant.learner.userId]);
    const [organizerCopy] = googleCopies(t, GOOGLE_ACCOUNTS.organizer, meeting.icalUid);
    // Someone edits the organiser's copy in Google: the etag Tandem stored is stale now.
    const { createGoogleProvider } = await import('@/server/providers/google/provider');
    const { TESTBED_CLIENT } = await import('@/emulators/google/testbed');
    const { googleEndpointsAt } = await import('@/server/providers/google/config');
    const organizerGoogle = createGoogleProvider({
      config: { ...TESTBED_CLIENT, endpoints: googleEndpointsAt(t.google.url) },
      tokens: t.google.tokens(GOOGLE_ACCOUNTS.organizer),
    });
    const edited = await organizerGoogle.getEvent(GOOGLE_ACCOUNTS.organizer, organizerCopy?.id ?? '');
    await organizerGoogle.updateEvent(
      GOOGLE_ACCOUNTS.organizer,
      edited.externalId,
      {
        title: edited.title ?? '',
        description: 'edited in Google',
        location: edited.location,
        onlineUrl: null,
        time: edited.time,
        recurrence: null,
        attendees: edited.attendees.map((attendee) => ({
          email: attendee.email,
          name: null,
          isOptional: false,
        })),
        tandemMeetingId: meeting.id,
        notifyAttendees: false,
      },
      { etag: edited.etag },
    );

    const startsAt = new Date(meeting.startsAt.getTime() + 86_400_000);
    const endsAt = new Date(meeting.endsAt.getTime() + 86_400_000);
    await updateMeeting(t.schedule, tenant.tutor, {
      id: meeting.id,
      version: meeting.version,
      startsAt,
      endsAt,
    });
    await t.driver.idle();
    const [moved, ...others] = googleCopies(t, GOOGLE_ACCOUNTS.attendee, meeting.icalUid);
    expect(others).toHaveLength(0);
    expect(moved?.start?.dateTime && new Date(moved.start.dateTime).toISOString()).toBe(
      startsAt.toISOString(),
    );
    const [link] = await linksOf(t, meeting.id);
    expect(link).toMatchObject({ writtenVersion: 2, writtenSequence: 1, state: 'written' });
    const after = await getMeeting(t.database.db, tenant.tutor, meeting.id);
    expect(after.attendees[0]?.delivery).toMatchObject({ state: 'delivered' });
  });
});

describe('one write per calendar touched', () => {
  it('to two learners on Google, one on Radicale and a guest: one Google insert, one Radicale copy, one email', async () => {
    const tenant = await t.freshTenant('mixed');
    await t.connect(tenant.tutor, 'google', GOOGLE_ACCOUNTS.organizer);
    await t.connect(tenant.learner, 'google', GOOGLE_ACCOUNTS.attendee);
    await t.connect(tenant.admin, 'google', GOOGLE_ACCOUNTS.third);
    const leo = RADICALE_USERS[0];
    await t.connect(tenant.otherLearner, 'caldav', leo.address);
    t.google.emulator.control.resetRequestCounts();
    t.mail.clear();
    const guest = { email: 'mentor2@brightworks.test', name: 'Morgan Lee' };
    const meeting = await send(
      t,
      tenant.tutor,
      [tenant.learner.userId, tenant.admin.userId, tenant.otherLearner.userId],
      [guest],
    );
    const google = t.google.emulator.control.requestCounts().byRoute;
    const writes = Object.entries(google).filter(
      ([route]) => !route.startsWith('GET ') && !route.startsWith('POST /token'),
    );
    expect(writes).toEqual([['POST /calendar/v3/calendars/:calendarId/events', 1]]);
    for (const account of [GOOGLE_ACCOUNTS.organizer, GOOGLE_ACCOUNTS.attendee, GOOGLE_ACCOUNTS.third])
      expect(googleCopies(t, account, meeting.icalUid)).toHaveLength(1);
    expect(await radicaleObjects(t, leo.username, meeting.icalUid)).toHaveLength(1);
    expect(deliveryMails(t).map((message) => message.recipients)).toEqual([[guest.email]]);
    expect(
      Object.fromEntries(meeting.attendees.map((attendee) => [attendee.email, attendee.delivery.method])),
    ).toEqual({
      [GOOGLE_ACCOUNTS.attendee]: 'organizer_provider',
      [GOOGLE_ACCOUNTS.third]: 'organizer_provider',
      [leo.address]: 'tandem_copy',
      [guest.email]: 'organizer_provider',
    });
  });
});
