import { describe, expect, it } from 'vitest';
import { ProviderNotFoundError } from '../errors';
import type { ProviderEvent } from '../types';
import { eventWrite, eventually, sameEmail, timed, uniqueTitle, window } from './fixtures';
import type { ContractContext } from './suite';

/** Attendees and their answers, free/busy, and the push capability flag. */
export function describeAttendeeContract(ctx: ContractContext): void {
  describe('attendees, free/busy and push', () => {
    it('stores the attendee list with responses; answers reach the organiser where the server delivers', async () => {
      const harness = ctx.harness();
      const { organizer, attendee } = harness;
      const title = uniqueTitle('invitation');
      const range = window('2030-12-01T00:00:00Z', '2030-12-03T00:00:00Z');
      const created = await ctx.created().create(
        organizer,
        eventWrite(title, timed('2030-12-02T10:00:00Z', '2030-12-02T11:00:00Z', 'Europe/London'), {
          attendees: [{ email: attendee.email, name: 'Contract Attendee', isOptional: false }],
          notifyAttendees: true,
        }),
      );
      const organizerCopy = await organizer.provider.getEvent(organizer.calendarId, created.externalId);
      expect(sameEmail(organizerCopy.organizer?.email, organizer.email)).toBe(true);
      const invited = findAttendee(organizerCopy, attendee.email);
      expect(invited).toMatchObject({ response: 'needs_action', isOrganizer: false, isSelf: false, isOptional: false });
      expect(created.iCalUid).toBeTruthy();

      let copyId: string;
      if (harness.deliversInvitations) {
        const copy = await eventually(async () => {
          const events = await attendee.provider.readEvents(attendee.calendarId, range);
          return events.find((event) => event.iCalUid === created.iCalUid);
        });
        copyId = copy.externalId;
        expect(copy.title).toBe(title);
        expect(findAttendee(copy, attendee.email)).toMatchObject({ response: 'needs_action', isSelf: true });
      } else if (harness.copyToAttendee) {
        copyId = await harness.copyToAttendee(organizerCopy);
        ctx.created().track(attendee, copyId);
      } else {
        return; // No delivery and no way to simulate it: the attendee list round-trip is all we can check.
      }

      await attendee.provider.respondToEvent(attendee.calendarId, copyId, 'accepted');
      const answered = await attendee.provider.getEvent(attendee.calendarId, copyId);
      expect(findAttendee(answered, attendee.email)).toMatchObject({ response: 'accepted', isSelf: true });

      if (harness.deliversInvitations) {
        await eventually(async () => {
          const copy = await organizer.provider.getEvent(organizer.calendarId, created.externalId);
          return findAttendee(copy, attendee.email)?.response === 'accepted' ? copy : undefined;
        });
      }
    });

    it('keeps attendees and their responses when the organiser updates the event', async () => {
      const { organizer, attendee } = ctx.harness();
      const title = uniqueTitle('attendees update');
      const time = timed('2030-12-02T14:00:00Z', '2030-12-02T15:00:00Z', 'UTC');
      const attendees = [
        { email: attendee.email, name: null, isOptional: false },
        { email: `external-${Date.now()}@example.org`, name: 'Outside Guest', isOptional: true },
      ];
      const created = await ctx.created().create(organizer, eventWrite(title, time, { attendees }));
      const updated = await organizer.provider.updateEvent(
        organizer.calendarId,
        created.externalId,
        eventWrite(`${title} v2`, time, { attendees }),
        { etag: created.etag },
      );
      for (const event of [updated, await organizer.provider.getEvent(organizer.calendarId, created.externalId)]) {
        expect(findAttendee(event, attendee.email)?.isOptional).toBe(false);
        expect(findAttendee(event, attendees[1]!.email)).toMatchObject({ isOptional: true, response: 'needs_action' });
      }
    });

    it('cancelling as organiser takes the event away from the attendee where the server delivers', async () => {
      const harness = ctx.harness();
      if (!harness.deliversInvitations) return;
      const { organizer, attendee } = harness;
      const range = window('2030-12-04T00:00:00Z', '2030-12-05T00:00:00Z');
      const created = await organizer.provider.createEvent(
        organizer.calendarId,
        eventWrite(uniqueTitle('cancel to attendee'), timed('2030-12-04T10:00:00Z', '2030-12-04T11:00:00Z', 'UTC'), {
          attendees: [{ email: attendee.email, name: null, isOptional: false }],
          notifyAttendees: true,
        }),
      );
      const copy = await eventually(async () =>
        (await attendee.provider.readEvents(attendee.calendarId, range)).find((event) => event.iCalUid === created.iCalUid),
      );
      await organizer.provider.cancelEvent(organizer.calendarId, created.externalId, { comment: 'Called off' });
      await eventually(async () => {
        const state = await attendee.provider.getEvent(attendee.calendarId, copy.externalId).then(
          (event) => event.status,
          (error: unknown) => {
            if (error instanceof ProviderNotFoundError) return 'gone';
            throw error;
          },
        );
        return state === 'cancelled' || state === 'gone' ? state : undefined;
      });
    });

    it("answers free/busy for the organiser's own account, covering a new event", async () => {
      const { organizer } = ctx.harness();
      const range = window('2030-12-09T00:00:00Z', '2030-12-10T00:00:00Z');
      await ctx.created().create(
        organizer,
        eventWrite(uniqueTitle('busy'), timed('2030-12-09T10:00:00Z', '2030-12-09T11:00:00Z', 'UTC')),
      );
      const result = await organizer.provider.freeBusy([organizer.email], range);
      const mine = result.get(organizer.email);
      expect(mine?.ok).toBe(true);
      if (!mine?.ok) return;
      const covering = mine.busy.filter(
        (interval) =>
          interval.start.getTime() <= Date.parse('2030-12-09T10:00:00Z') &&
          interval.end.getTime() >= Date.parse('2030-12-09T11:00:00Z'),
      );
      expect(covering.length).toBeGreaterThanOrEqual(1);
      expect(covering[0]?.showAs).not.toBe('free');
    });

    it('refuses watch when the provider has no push', async () => {
      const { organizer } = ctx.harness();
      if (organizer.provider.capabilities.push !== null) return;
      await expect(
        organizer.provider.watch(organizer.calendarId, {
          address: 'https://tandem.example/webhook',
          token: 'secret',
          channelId: 'contract-channel',
        }),
      ).rejects.toThrow();
    });
  });
}

function findAttendee(event: ProviderEvent, email: string) {
  return event.attendees.find((entry) => sameEmail(entry.email, email));
}
