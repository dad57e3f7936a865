/**
 * Fidelity: what happens between accounts — invitation copies, answers flowing back, organiser
 * changes and cancellations reaching guests, sendUpdates and the outbox — plus freeBusy.query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, apiAs, events, startBed, timed } from './fidelity-helpers';
import type { GoogleTestbed } from './testbed';

const ORGANIZER = 'organizer@northbridge.test';
const GUEST = 'attendee@northbridge.test';
const EXTERNAL = 'someone@example.org';

let bed: GoogleTestbed;
let organizer: ApiClient;
let guest: ApiClient;

beforeAll(async () => {
  bed = await startBed();
  organizer = apiAs(bed, ORGANIZER);
  guest = apiAs(bed, GUEST);
});
afterAll(async () => bed.close());

async function invite(summary: string, sendUpdates = 'all') {
  const created = await organizer.post(events('primary', `?sendUpdates=${sendUpdates}`), {
    summary,
    ...timed('2030-06-03T10:00:00Z', '2030-06-03T11:00:00Z'),
    attendees: [{ email: GUEST }, { email: EXTERNAL, optional: true }],
    extendedProperties: { private: { tandemMeetingId: 'organiser-only' }, shared: { visible: 'to all' } },
  });
  expect(created.status).toBe(200);
  return created.body as { id: string; iCalUID: string; etag: string };
}

describe('invitations between emulated accounts', () => {
  it('puts a needsAction copy (same id and iCalUID) in the guest’s calendar, without the organiser’s private properties', async () => {
    const event = await invite('Invitation');
    const copy = await guest.get(events('primary', `/${event.id}`));
    expect(copy.status).toBe(200);
    expect(copy.body).toMatchObject({
      id: event.id,
      iCalUID: event.iCalUID,
      summary: 'Invitation',
      organizer: { email: ORGANIZER },
    });
    expect(copy.body.organizer).not.toHaveProperty('self');
    expect(copy.body.attendees).toEqual([
      { email: GUEST, responseStatus: 'needsAction', self: true },
      { email: EXTERNAL, responseStatus: 'needsAction', optional: true },
    ]);
    expect(copy.body.extendedProperties).toEqual({ shared: { visible: 'to all' } });

    const original = await organizer.get(events('primary', `/${event.id}`));
    expect(original.body.attendees[0]).toEqual({ email: GUEST, responseStatus: 'needsAction' });
  });

  // Events resource, attendees[].responseStatus is writable, and an attendee listed without one
  // keeps theirs (https://developers.google.com/calendar/api/v3/reference/events#resource): the
  // organiser may set a guest's status on their copy, and the guests' copies follow it.
  it('keeps a guest’s answer through an organiser’s move unless the organiser sets it again', async () => {
    const event = await invite('Moved');
    const copy = await guest.get(events('primary', `/${event.id}`));
    const declined = copy.body.attendees.map((attendee: { self?: boolean }) =>
      attendee.self ? { ...attendee, responseStatus: 'declined' } : attendee,
    );
    await guest.patch(events('primary', `/${event.id}?sendUpdates=all`), { attendees: declined });
    const guestsStatus = async (as: ApiClient) =>
      (await as.get(events('primary', `/${event.id}`))).body.attendees.find(
        (a: { email: string }) => a.email === GUEST,
      ).responseStatus;

    const moved = await organizer.patch(events('primary', `/${event.id}?sendUpdates=all`), {
      ...timed('2030-06-03T12:00:00Z', '2030-06-03T13:00:00Z'),
      attendees: [{ email: GUEST }, { email: EXTERNAL, optional: true }],
    });
    expect(moved.status).toBe(200);
    expect(await guestsStatus(organizer)).toBe('declined');

    const reset = await organizer.patch(events('primary', `/${event.id}?sendUpdates=all`), {
      ...timed('2030-06-03T14:00:00Z', '2030-06-03T15:00:00Z'),
      attendees: [
        { email: GUEST, responseStatus: 'needsAction' },
        { email: EXTERNAL, optional: true },
      ],
    });
    expect(reset.status).toBe(200);
    expect(await guestsStatus(organizer)).toBe('needsAction');
    expect(await guestsStatus(guest)).toBe('needsAction');
  });

  it('carries the guest’s answer (patch of attendees[self]) back to the organiser’s copy', async () => {
    const event = await invite('Answer me');
    const copy = await guest.get(events('primary', `/${event.id}`));
    const attendees = copy.body.attendees.map((attendee: { self?: boolean }) =>
      attendee.self ? { ...attendee, responseStatus: 'accepted' } : attendee,
    );
    const answered = await guest.patch(events('primary', `/${event.id}?sendUpdates=all`), { attendees });
    expect(answered.status).toBe(200);
    const original = await organizer.get(events('primary', `/${event.id}`));
    expect(original.body.attendees.find((a: { email: string }) => a.email === GUEST).responseStatus).toBe(
      'accepted',
    );
    expect(
      bed.emulator.control
        .outbox()
        .some((m) => m.kind === 'reply' && m.eventId === event.id && m.to === ORGANIZER),
    ).toBe(true);
  });

  it('clears the guest’s comment when they answer again with an empty or no comment, on both copies', async () => {
    const event = await invite('Comment me');
    /** The guest's own entry patched to this answer (without a `comment` key when none is given); both copies' entries. */
    const answer = async (responseStatus: string, comment?: string) => {
      const copy = await guest.get(events('primary', `/${event.id}`));
      const attendees = copy.body.attendees.map((attendee: { email: string; self?: boolean }) =>
        attendee.self
          ? { email: attendee.email, responseStatus, ...(comment !== undefined ? { comment } : {}) }
          : attendee,
      );
      const answered = await guest.patch(events('primary', `/${event.id}`), { attendees });
      expect(answered.status).toBe(200);
      const organizersCopy = await organizer.get(events('primary', `/${event.id}`));
      return [answered.body, organizersCopy.body].map((body) =>
        body.attendees.find((a: { email: string }) => a.email === GUEST),
      );
    };
    for (const entry of await answer('tentative', 'Running late')) {
      expect(entry).toMatchObject({ responseStatus: 'tentative', comment: 'Running late' });
    }
    for (const entry of await answer('accepted', '')) {
      expect(entry.responseStatus).toBe('accepted');
      expect(entry).not.toHaveProperty('comment');
    }
    await answer('tentative', 'Maybe');
    for (const entry of await answer('declined')) {
      expect(entry.responseStatus).toBe('declined');
      expect(entry).not.toHaveProperty('comment');
    }
  });

  it('lets a guest change only their own answer: other edits do not reach the organiser', async () => {
    const event = await invite('Not yours');
    await guest.patch(events('primary', `/${event.id}`), { summary: 'Hijacked' });
    expect((await organizer.get(events('primary', `/${event.id}`))).body.summary).toBe('Not yours');
  });

  it('copies organiser updates and cancellations to the guest; removing a guest cancels their copy', async () => {
    const event = await invite('Moving');
    const moved = await organizer.patch(
      events('primary', `/${event.id}?sendUpdates=all`),
      timed('2030-06-03T14:00:00Z', '2030-06-03T15:00:00Z'),
    );
    expect(moved.body.sequence).toBe(1);
    const copy = await guest.get(events('primary', `/${event.id}`));
    expect(copy.body.start.dateTime).toBe('2030-06-03T15:00:00+01:00');
    expect(copy.body.sequence).toBe(1);

    await organizer.delete(events('primary', `/${event.id}?sendUpdates=all`));
    expect((await guest.get(events('primary', `/${event.id}`))).body.status).toBe('cancelled');

    const other = await invite('Uninvited');
    await organizer.patch(events('primary', `/${other.id}`), { attendees: [{ email: EXTERNAL }] });
    expect((await guest.get(events('primary', `/${other.id}`))).body.status).toBe('cancelled');
  });

  it('records notification emails according to sendUpdates, and refuses unknown values', async () => {
    const before = bed.emulator.control.outbox().length;
    await invite('Quiet', 'none');
    expect(bed.emulator.control.outbox()).toHaveLength(before);
    const external = await invite('External only', 'externalOnly');
    const sent = bed.emulator.control.outbox().filter((message) => message.eventId === external.id);
    expect(sent.map((message) => [message.kind, message.to])).toEqual([['invitation', EXTERNAL]]);
    const all = await invite('Everyone', 'all');
    expect(
      bed.emulator.control
        .outbox()
        .filter((message) => message.eventId === all.id)
        .map((message) => message.to)
        .sort(),
    ).toEqual([GUEST, EXTERNAL].sort());
    const bad = await organizer.post(events('primary', '?sendUpdates=everyone'), {
      summary: 'x',
      ...timed('2030-06-03T10:00:00Z', '2030-06-03T11:00:00Z'),
    });
    expect(bad.status).toBe(400);
  });
});

describe('freeBusy.query', () => {
  it('answers Google’s shape: merged busy blocks, nothing for transparent or declined events, notFound for strangers', async () => {
    await organizer.post(events('primary'), {
      summary: 'a',
      ...timed('2030-07-01T09:00:00Z', '2030-07-01T10:00:00Z'),
    });
    await organizer.post(events('primary'), {
      summary: 'b',
      ...timed('2030-07-01T09:30:00Z', '2030-07-01T11:00:00Z'),
    });
    await organizer.post(events('primary'), {
      summary: 'free',
      transparency: 'transparent',
      ...timed('2030-07-01T12:00:00Z', '2030-07-01T13:00:00Z'),
    });
    const response = await guest.post('/calendar/v3/freeBusy', {
      timeMin: '2030-07-01T00:00:00Z',
      timeMax: '2030-07-02T00:00:00Z',
      items: [{ id: ORGANIZER }, { id: 'nobody@example.org' }],
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      kind: 'calendar#freeBusy',
      timeMin: '2030-07-01T00:00:00Z',
      timeMax: '2030-07-02T00:00:00Z',
      calendars: {
        [ORGANIZER]: { busy: [{ start: '2030-07-01T09:00:00Z', end: '2030-07-01T11:00:00Z' }] },
        'nobody@example.org': { errors: [{ domain: 'global', reason: 'notFound' }] },
      },
    });
    const missing = await guest.post('/calendar/v3/freeBusy', { timeMax: '2030-07-02T00:00:00Z', items: [] });
    expect(missing.status).toBe(400);
  });
});
