import { describe, expect, it } from 'vitest';
import { ProviderNotFoundError } from '../errors';
import type { ProviderEvent } from '../types';
import { eventWrite, eventually, sameEmail, timed, uniqueTitle, window } from './fixtures';
import type { ContractContext } from './suite';

/** Attendees and their answers, whether the server schedules, and free/busy. */
export function describeAttendeeContract(ctx: ContractContext): void {
  describe('attendees and free/busy', () => {
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
      expect(invited).toMatchObject({
        response: 'needs_action',
        isOrganizer: false,
        isSelf: false,
        isOptional: false,
      });
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
        throw new Error('a harness whose server does not deliver invitations must provide copyToAttendee');
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
      for (const event of [
        updated,
        await organizer.provider.getEvent(organizer.calendarId, created.externalId),
      ]) {
        expect(findAttendee(event, attendee.email)?.isOptional).toBe(false);
        expect(findAttendee(event, attendees[1]!.email)).toMatchObject({
          isOptional: true,
          response: 'needs_action',
        });
      }
    });

    it('says truly whether the server schedules: the harness and the adapter agree', () => {
      const harness = ctx.harness();
      expect(harness.organizer.provider.capabilities.serverScheduling).toBe(harness.deliversInvitations);
    });

    it('cancelling as organiser takes the event away from the attendee where the server delivers, and only there', async () => {
      const harness = ctx.harness();
      const { organizer, attendee } = harness;
      const range = window('2030-12-04T00:00:00Z', '2030-12-05T00:00:00Z');
      const created = await organizer.provider.createEvent(
        organizer.calendarId,
        eventWrite(
          uniqueTitle('cancel to attendee'),
          timed('2030-12-04T10:00:00Z', '2030-12-04T11:00:00Z', 'UTC'),
          {
            attendees: [{ email: attendee.email, name: null, isOptional: false }],
            notifyAttendees: true,
          },
        ),
      );
      const copyOf = async () =>
        (await attendee.provider.readEvents(attendee.calendarId, range)).find(
          (event) => event.iCalUid === created.iCalUid,
        );
      const stateOf = (account: typeof organizer, externalId: string) =>
        account.provider.getEvent(account.calendarId, externalId).then(
          (event) => event.status,
          (error: unknown) => {
            if (error instanceof ProviderNotFoundError) return 'gone';
            throw error;
          },
        );
      if (harness.deliversInvitations) {
        const delivered = await eventually(copyOf);
        await organizer.provider.cancelEvent(organizer.calendarId, created.externalId, {
          comment: 'Called off',
        });
        await eventually(async () => {
          const state = await stateOf(attendee, delivered.externalId);
          return state === 'cancelled' || state === 'gone' ? state : undefined;
        });
      } else {
        // The server delivers nothing (Tandem must, DESIGN.md §4 rule 3): no copy appears, and a
        // copy placed the way Tandem places one outlives the organiser's cancellation.
        expect(await copyOf()).toBeUndefined();
        if (!harness.copyToAttendee)
          throw new Error('a harness whose server does not deliver invitations must provide copyToAttendee');
        const placed = await harness.copyToAttendee(
          await organizer.provider.getEvent(organizer.calendarId, created.externalId),
        );
        ctx.created().track(attendee, placed);
        await organizer.provider.cancelEvent(organizer.calendarId, created.externalId, {
          comment: 'Called off',
        });
        expect(['cancelled', 'gone']).toContain(await stateOf(organizer, created.externalId));
        expect(await stateOf(attendee, placed)).toBe('confirmed');
      }
    });

    it("answers free/busy for the organiser's own account, covering a new event", async () => {
      const { organizer } = ctx.harness();
      const range = window('2030-12-09T00:00:00Z', '2030-12-10T00:00:00Z');
      await ctx
        .created()
        .create(
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
  });
}

function findAttendee(event: ProviderEvent, email: string) {
  return event.attendees.find((entry) => sameEmail(entry.email, email));
}
