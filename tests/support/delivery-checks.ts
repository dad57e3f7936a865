/** Checks for the delivery tests: what reached each emulated calendar (Exchange's too), Radicale and the links. */
import { eq } from 'drizzle-orm';
import ICAL from 'ical.js';
import { meetingLinks, users } from '@/server/db/schema';
import { getMeeting } from '@/server/meetings/queries';
import { createMeeting } from '@/server/meetings/schedule';
import type { Actor } from '@/server/tenants/actor';
import { RADICALE_USERS, type DeliveryTestbed } from './delivery-testbed';
import { futureSlot } from './job-testbed';

let slot = 0;
export function meetingInput(
  attendeeUserIds: string[],
  guests: { email: string; name: string | null }[] = [],
) {
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

export async function send(
  t: DeliveryTestbed,
  organizer: Actor,
  attendeeIds: string[],
  guests: { email: string; name: string | null }[] = [],
) {
  const created = await createMeeting(t.schedule, organizer, meetingInput(attendeeIds, guests));
  await t.driver.idle();
  return getMeeting(t.database.db, organizer, created.id);
}

/** Live copies of the meeting in an emulated Google calendar (the store itself, not the API). */
export function googleCopies(t: DeliveryTestbed, account: string, icalUid: string) {
  return t.google.emulator.control
    .storedEvents(account)
    .filter((event) => event.iCalUID === icalUid && event.status !== 'cancelled');
}

export function microsoftCopies(t: DeliveryTestbed, account: string, icalUid: string) {
  const owner = t.microsoft.emulator.store.accountByIdOrEmail(account);
  if (!owner) throw new Error(`no Microsoft account ${account}`);
  return t.microsoft.emulator.store
    .eventsOfOwner(owner.id)
    .filter((event) => event.iCalUId === icalUid && !event.isCancelled);
}

/** Live copies of the meeting in an EWS emulator mailbox's calendar folder (the store itself). */
export function ewsCopies(t: DeliveryTestbed, mailbox: string, icalUid: string) {
  const owner = t.ews.store.mailbox(mailbox);
  if (!owner) throw new Error(`no Exchange mailbox ${mailbox}`);
  return [...owner.items.values()].filter((item) => item.uid === icalUid && !item.isCancelled);
}

export async function radicaleObjects(
  t: DeliveryTestbed,
  username: string,
  icalUid: string,
): Promise<ICAL.Component[]> {
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

export async function person(
  t: DeliveryTestbed,
  actor: Actor,
): Promise<{ email: string; name: string | null }> {
  const [row] = await t.database.db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!row) throw new Error('no such user');
  return { email: row.email.toLowerCase(), name: row.name };
}

export function googleInserts(t: DeliveryTestbed): number {
  return (
    t.google.emulator.control.requestCounts().byRoute['POST /calendar/v3/calendars/:calendarId/events'] ?? 0
  );
}

export async function linksOf(t: DeliveryTestbed, meetingId: string) {
  return t.database.db.select().from(meetingLinks).where(eq(meetingLinks.meetingId, meetingId));
}

/** Tandem's delivery emails (iMIP, or answer links), not the notification emails people also get. */
export function deliveryMails(t: DeliveryTestbed) {
  return t.mail.messages.filter(
    (message) => message.calendar !== null || (message.parsed.text ?? '').includes('/answer/'),
  );
}

export function deliveryMailTo(t: DeliveryTestbed, address: string) {
  return deliveryMails(t).filter((message) => message.recipients.includes(address.toLowerCase()));
}
