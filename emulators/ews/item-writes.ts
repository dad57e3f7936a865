import { newChangeKey, newItemId } from './ids';
import { parseCalendarItem, type ItemInput } from './item-input';
import { calendarItemIdOf } from './meeting-messages';
import { respondToOccurrence } from './occurrence-responses';
import {
  perElement,
  requireCalendarFolder,
  viewOfIdElement,
  type Handler,
  type OperationContext,
} from './responses';
import { attr, children, node, nodes, type OutNode, type XmlNode } from './soap';
import { clearTalliedResponses, EwsError, type AskAgain } from './store';
import type { AttendeeRecord, CalendarItemRecord } from './store-types';

/** The EWS operations that change items: CreateItem (and meeting responses), UpdateItem, DeleteItem. */
function mergeAttendees(previous: AttendeeRecord[], input: ItemInput): AttendeeRecord[] {
  const keep = (entry: { email: string; name: string }, optional: boolean): AttendeeRecord => {
    const before = previous.find((attendee) => attendee.email === entry.email);
    return {
      email: entry.email,
      name: entry.name || before?.name || '',
      optional,
      response: before?.response ?? 'Unknown',
      lastResponseTime: before?.lastResponseTime ?? null,
    };
  };
  const required = input.requiredAttendees ?? previous.filter((a) => !a.optional);
  const optional = input.optionalAttendees ?? previous.filter((a) => a.optional);
  return [...required.map((entry) => keep(entry, false)), ...optional.map((entry) => keep(entry, true))];
}

function sends(mode: string | undefined): boolean {
  return mode !== undefined && mode !== 'SendToNone';
}

export const createItem: Handler = (ctx, request) => {
  const invitations = attr(request, 'SendMeetingInvitations');
  requireCalendarFolderIfGiven(ctx, node(request, 'SavedItemFolderId'));
  return perElement('CreateItem', children(node(request, 'Items')), ([kind, element]) => {
    if (kind === 'CalendarItem')
      return {
        'm:Items': { 't:CalendarItem': { 't:ItemId': idOf(createCalendarItem(ctx, element, invitations)) } },
      };
    const reference = attr(node(element, 'ReferenceItemId'), 'Id') ?? '';
    // A MeetingRequest in the Inbox names the calendar item it belongs to (meeting-messages.ts).
    const view = ctx.store.resolve(ctx.mailbox, calendarItemIdOf(ctx.mailbox, reference));
    const target = view.item;
    if (kind === 'AcceptItem' || kind === 'TentativelyAcceptItem' || kind === 'DeclineItem') {
      const response = kind === 'AcceptItem' ? 'Accept' : kind === 'DeclineItem' ? 'Decline' : 'Tentative';
      // A ReferenceItemId naming one occurrence answers that occurrence alone.
      if (view.originalStart) respondToOccurrence(ctx.store, ctx.mailbox, view, response);
      else ctx.store.respond(ctx.mailbox, target, response);
      // The response message sent (and saved, with SendAndSaveCopy) is what Exchange returns.
      return {
        'm:Items': {
          't:MeetingResponse': { 't:ItemId': { '@_Id': newItemId(), '@_ChangeKey': newChangeKey() } },
        },
      };
    }
    if (kind === 'CancelCalendarItem') {
      if (target.myResponse !== 'Organizer')
        throw new EwsError('ErrorCalendarIsNotOrganizer', 'Only the organizer can cancel the meeting.');
      ctx.store.deliver(target, target.attendees, 'CANCEL');
      ctx.store.removeItem(ctx.mailbox, target);
      return {
        'm:Items': {
          't:MeetingCancellation': { 't:ItemId': { '@_Id': newItemId(), '@_ChangeKey': newChangeKey() } },
        },
      };
    }
    throw new EwsError('ErrorInvalidRequest', `The emulator cannot create a ${kind}.`);
  });
};

function requireCalendarFolderIfGiven(ctx: OperationContext, folder: XmlNode | undefined): void {
  if (folder) requireCalendarFolder(ctx, folder);
}

function idOf(item: CalendarItemRecord): OutNode {
  return { '@_Id': item.id, '@_ChangeKey': item.changeKey };
}

function createCalendarItem(
  ctx: OperationContext,
  element: XmlNode,
  invitations: string | undefined,
): CalendarItemRecord {
  const input = parseCalendarItem(element);
  if (!input.start || !input.end) throw new EwsError('ErrorInvalidRequest', 'Start and End are required.');
  if (input.end < input.start)
    throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
  const attendees = mergeAttendees([], input);
  return ctx.store.createItem(
    ctx.mailbox,
    {
      ...(input.uid ? { uid: input.uid } : {}),
      subject: input.subject ?? '',
      body: input.body?.value ?? '',
      location: input.location ?? '',
      start: input.start,
      end: input.end,
      isAllDay: input.isAllDay ?? false,
      timeZone: input.timeZone ?? 'UTC',
      recurrence: input.recurrence ?? null,
      attendees: attendees.map(({ email, name, optional }) => ({ email, name, optional })),
      ...(input.freeBusy ? { freeBusy: input.freeBusy } : {}),
      ...(input.extended ? { extended: input.extended } : {}),
    },
    sends(invitations),
  );
}

/** SetItemField / AppendToItemField carry a partial CalendarItem; DeleteItemField a FieldURI. */
function readUpdates(updates: XmlNode | undefined): { input: ItemInput; deleted: string[] } {
  const input: ItemInput = {};
  const deleted: string[] = [];
  for (const [kind, update] of children(updates)) {
    if (kind === 'DeleteItemField') {
      const uri =
        attr(node(update, 'FieldURI'), 'FieldURI') ?? attr(node(update, 'ExtendedFieldURI'), 'PropertyName');
      if (uri) deleted.push(uri);
      continue;
    }
    const partial = parseCalendarItem(node(update, 'CalendarItem') ?? {});
    const extended = partial.extended
      ? new Map([...(input.extended ?? []), ...partial.extended])
      : input.extended;
    Object.assign(input, partial, extended ? { extended } : {});
  }
  return { input, deleted };
}

function timesOf(item: CalendarItemRecord): string {
  return `${item.start.getTime()}-${item.end.getTime()}-${JSON.stringify(item.recurrence)}`;
}

function applyToItem(item: CalendarItemRecord, input: ItemInput, deleted: string[]): boolean {
  const timeBefore = `${item.start.getTime()}-${item.end.getTime()}-${item.location}-${JSON.stringify(item.recurrence)}`;
  if (input.subject !== undefined) item.subject = input.subject;
  if (input.body) item.body = input.body.value;
  if (input.location !== undefined) item.location = input.location;
  if (input.start) item.start = input.start;
  if (input.end) item.end = input.end;
  if (input.isAllDay !== undefined) item.isAllDay = input.isAllDay;
  if (input.timeZone) item.timeZone = input.timeZone;
  if (input.recurrence) item.recurrence = input.recurrence;
  if (input.freeBusy) item.freeBusy = input.freeBusy;
  if (input.extended) for (const [name, value] of input.extended) item.extended.set(name, value);
  if (input.requiredAttendees || input.optionalAttendees)
    item.attendees = mergeAttendees(item.attendees, input);
  for (const uri of deleted) {
    if (uri === 'item:Body') item.body = '';
    else if (uri === 'calendar:Location') item.location = '';
    else if (uri === 'calendar:Recurrence')
      Object.assign(item, { recurrence: null, modified: new Map(), deleted: new Set() });
    else if (uri === 'calendar:RequiredAttendees') item.attendees = item.attendees.filter((a) => a.optional);
    else if (uri === 'calendar:OptionalAttendees') item.attendees = item.attendees.filter((a) => !a.optional);
    else item.extended.delete(uri);
  }
  item.isMeeting = item.attendees.length > 0;
  if (item.end < item.start)
    throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
  const timeAfter = `${item.start.getTime()}-${item.end.getTime()}-${item.location}-${JSON.stringify(item.recurrence)}`;
  return timeAfter !== timeBefore;
}

export const updateItem: Handler = (ctx, request) => {
  const resolution = attr(request, 'ConflictResolution') ?? 'AutoResolve';
  const invitations = attr(request, 'SendMeetingInvitationsOrCancellations');
  return perElement('UpdateItem', nodes(node(request, 'ItemChanges'), 'ItemChange'), (change) => {
    const idElement = node(change, 'ItemId');
    const view = ctx.store.resolve(ctx.mailbox, attr(idElement, 'Id') ?? '');
    const changeKey = attr(idElement, 'ChangeKey');
    if (changeKey && changeKey !== view.changeKey && resolution !== 'AlwaysOverwrite')
      throw new EwsError(
        'ErrorIrresolvableConflict',
        'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
      );
    const { input, deleted } = readUpdates(node(change, 'Updates'));
    const { item } = view;
    const previousAttendees = item.attendees.map((attendee) => ({ ...attendee }));
    let significant: boolean;
    let changed: { id: string; changeKey: string };
    let askAgain: AskAgain;
    if (view.originalStart) {
      const key = view.originalStart.toISOString();
      const override = {
        start: input.start ?? view.start,
        end: input.end ?? view.end,
        subject: input.subject ?? view.subject,
        location: input.location ?? view.location,
        body: input.body?.value ?? view.body,
        changeKey: '',
        lastModified: new Date(),
      };
      significant =
        override.start.getTime() !== view.start.getTime() || override.end.getTime() !== view.end.getTime();
      ctx.store.touch(item);
      override.changeKey = item.changeKey;
      const before = item.modified.get(key);
      item.modified.set(key, {
        ...override,
        // Answers given to this occurrence alone stay with it, unless it moved (a full update).
        ...(before?.attendees && item.myResponse === 'Organizer'
          ? { attendees: significant ? clearTalliedResponses(before.attendees) : before.attendees }
          : {}),
        ...(before?.myResponse && item.myResponse !== 'Organizer' ? { myResponse: before.myResponse } : {}),
      });
      askAgain = { series: false, occurrence: significant ? key : null };
      changed = { id: view.id, changeKey: override.changeKey };
    } else {
      const timesBefore = timesOf(item);
      significant = applyToItem(item, input, deleted);
      // Only a new time or pattern asks again (MS-OXOCAL 3.1.4.7.3.1), not a new place or title.
      const moved = timesOf(item) !== timesBefore;
      if (moved && item.myResponse === 'Organizer') item.attendees = clearTalliedResponses(item.attendees);
      askAgain = { series: moved, occurrence: null };
      ctx.store.touch(item);
      changed = { id: item.id, changeKey: item.changeKey };
    }
    if (significant && item.isMeeting) item.sequence += 1;
    if (sends(invitations) && item.myResponse === 'Organizer') {
      ctx.store.deliver(item, item.attendees, 'REQUEST', askAgain);
      const removed = previousAttendees.filter(
        (before) => !item.attendees.some((a) => a.email === before.email),
      );
      if (removed.length) ctx.store.deliver(item, removed, 'CANCEL');
    }
    return {
      'm:Items': {
        't:CalendarItem': { 't:ItemId': { '@_Id': changed.id, '@_ChangeKey': changed.changeKey } },
      },
      'm:ConflictResults': { 't:Count': 0 },
    };
  });
};

export const deleteItem: Handler = (ctx, request) => {
  const cancellations = attr(request, 'SendMeetingCancellations');
  return perElement('DeleteItem', children(node(request, 'ItemIds')), ([kind, element]) => {
    const view = viewOfIdElement(ctx, kind, element);
    const { item } = view;
    if (view.originalStart) {
      const key = view.originalStart.toISOString();
      item.modified.delete(key);
      item.deleted.add(key);
      ctx.store.touch(item);
      if (sends(cancellations) && item.myResponse === 'Organizer')
        ctx.store.deliver(item, item.attendees, 'REQUEST');
      return {};
    }
    if (sends(cancellations) && item.myResponse === 'Organizer' && item.isMeeting)
      ctx.store.deliver(item, item.attendees, 'CANCEL');
    ctx.store.removeItem(ctx.mailbox, item);
    return {};
  });
};
