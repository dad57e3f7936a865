import { newChangeKey, newItemId } from './ids';
import { calendarItemXml, ewsDateTime, type ItemShape } from './item-xml';
import { parseCalendarItem, type ItemInput } from './item-input';
import { masterView, viewsInWindow, type ItemView } from './occurrences';
import { attr, children, node, nodes, text, type OutNode, type XmlNode } from './soap';
import { EwsError, type EwsStore } from './store';
import type { AttendeeRecord, CalendarItemRecord, MailboxRecord } from './store-types';

/**
 * The EWS operations the emulator answers, each returning its response messages. Response
 * messages follow Microsoft's EWS reference: one per requested id, `ResponseClass`
 * Success/Error, `ResponseCode` NoError or the error code, `MessageText` for errors.
 */
export interface OperationContext {
  store: EwsStore;
  /** The mailbox acted on: the signed-in account, or the impersonated one. */
  mailbox: MailboxRecord;
}

type Handler = (ctx: OperationContext, request: XmlNode) => OutNode[];

function success(name: string, content: OutNode = {}): OutNode {
  return {
    [`m:${name}ResponseMessage`]: { '@_ResponseClass': 'Success', 'm:ResponseCode': 'NoError', ...content },
  };
}

export function errorMessage(name: string, error: EwsError): OutNode {
  return {
    [`m:${name}ResponseMessage`]: {
      '@_ResponseClass': 'Error',
      'm:MessageText': error.message,
      'm:ResponseCode': error.code,
      'm:DescriptiveLinkKey': 0,
    },
  };
}

/** Runs `each` per element; an EwsError becomes that element's error message (others still succeed). */
function perElement<T>(name: string, elements: T[], each: (element: T) => OutNode): OutNode[] {
  return elements.map((element) => {
    try {
      return success(name, each(element));
    } catch (error) {
      if (error instanceof EwsError) return errorMessage(name, error);
      throw error;
    }
  });
}

function requireCalendarFolder(ctx: OperationContext, folder: XmlNode | undefined): void {
  const distinguished = node(folder, 'DistinguishedFolderId');
  if (distinguished) {
    if (attr(distinguished, 'Id') !== 'calendar')
      throw new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    return;
  }
  const id = attr(node(folder, 'FolderId'), 'Id');
  if (id !== ctx.mailbox.calendarFolderId)
    throw new EwsError('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
}

interface Shape {
  base: string;
  extended: string[];
  additional: boolean;
}

function shapeOf(shape: XmlNode | undefined): Shape {
  const additional = node(shape, 'AdditionalProperties');
  return {
    base: text(shape, 'BaseShape') ?? 'IdOnly',
    extended: nodes(additional, 'ExtendedFieldURI').map((uri) => attr(uri, 'PropertyName') ?? ''),
    additional: nodes(additional, 'FieldURI').length > 0,
  };
}

function summaryShape(shape: Shape): ItemShape {
  return shape.base === 'IdOnly' && !shape.additional ? 'IdOnly' : 'Summary';
}

function itemsXml(views: ItemView[], shape: ItemShape, extended: string[]): OutNode {
  return views.length
    ? { 't:CalendarItem': views.map((view) => calendarItemXml(view, shape, extended)) }
    : {};
}

const getFolder: Handler = (ctx, request) =>
  perElement('GetFolder', children(node(request, 'FolderIds')), ([kind, folder]) => {
    requireCalendarFolder(ctx, { [kind]: folder });
    return {
      'm:Folders': {
        't:CalendarFolder': {
          't:FolderId': { '@_Id': ctx.mailbox.calendarFolderId, '@_ChangeKey': 'AgAAAA==' },
          't:FolderClass': 'IPF.Appointment',
          't:DisplayName': 'Calendar',
          't:TotalCount': ctx.mailbox.items.size,
          't:ChildFolderCount': 0,
          't:EffectiveRights': {
            't:CreateAssociated': 'true',
            't:CreateContents': 'true',
            't:CreateHierarchy': 'true',
            't:Delete': 'true',
            't:Modify': 'true',
            't:Read': 'true',
          },
        },
      },
    };
  });

/** IsEqualTo on a PublicStrings extended property: the one restriction the emulator evaluates. */
function restrictionMatcher(restriction: XmlNode | undefined): (item: CalendarItemRecord) => boolean {
  if (!restriction) return () => true;
  const equal = node(restriction, 'IsEqualTo');
  const name = attr(node(equal, 'ExtendedFieldURI'), 'PropertyName');
  const value = attr(node(node(equal, 'FieldURIOrConstant'), 'Constant'), 'Value');
  if (!equal || !name || value === undefined)
    throw new EwsError(
      'ErrorUnsupportedQueryFilter',
      'The emulator evaluates only IsEqualTo on an extended property.',
    );
  return (item) => item.extended.get(name) === value;
}

const findItem: Handler = (ctx, request) => {
  try {
    requireCalendarFolder(ctx, node(request, 'ParentFolderIds'));
    const shape = shapeOf(node(request, 'ItemShape'));
    const view = node(request, 'CalendarView');
    const items = [...ctx.mailbox.items.values()];
    let views: ItemView[];
    let includesLast = true;
    if (view) {
      if (node(request, 'Restriction'))
        throw new EwsError('ErrorInvalidRestriction', 'Restrictions are not supported with a CalendarView.');
      const start = new Date(attr(view, 'StartDate') ?? '');
      const end = new Date(attr(view, 'EndDate') ?? '');
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)
        throw new EwsError('ErrorCalendarEndDateIsEarlierThanStartDate', 'EndDate is earlier than StartDate');
      views = items
        .flatMap((item) => viewsInWindow(item, start, end))
        .sort((a, b) => a.start.getTime() - b.start.getTime());
      const max = Number(attr(view, 'MaxEntriesReturned') ?? '0');
      // Exchange answers a CalendarView with more items than MaxEntriesReturned with an error, not a page.
      if (max > 0 && views.length > max)
        throw new EwsError(
          'ErrorCalendarViewRangeTooBig',
          'The number of calendar entries exceeds MaxEntriesReturned.',
        );
    } else {
      const matches = restrictionMatcher(node(request, 'Restriction'));
      views = items.filter(matches).map(masterView);
      const paging = node(request, 'IndexedPageItemView');
      const offset = Number(attr(paging, 'Offset') ?? '0');
      const max = Number(attr(paging, 'MaxEntriesReturned') ?? String(views.length || 1));
      includesLast = offset + max >= views.length;
      views = views.slice(offset, offset + max);
    }
    return [
      success('FindItem', {
        'm:RootFolder': {
          '@_TotalItemsInView': views.length,
          '@_IncludesLastItemInRange': String(includesLast),
          't:Items': itemsXml(views, summaryShape(shape), shape.extended),
        },
      }),
    ];
  } catch (error) {
    if (error instanceof EwsError) return [errorMessage('FindItem', error)];
    throw error;
  }
};

/** The view an id element names: ItemId, or RecurringMasterItemId (the master of an occurrence). */
function viewOfIdElement(ctx: OperationContext, kind: string, element: XmlNode): ItemView {
  if (kind === 'RecurringMasterItemId') {
    const occurrence = ctx.store.resolve(ctx.mailbox, attr(element, 'OccurrenceId') ?? '');
    return masterView(occurrence.item);
  }
  return ctx.store.resolve(ctx.mailbox, attr(element, 'Id') ?? '');
}

const getItem: Handler = (ctx, request) => {
  const shape = shapeOf(node(request, 'ItemShape'));
  const itemShape: ItemShape = shape.base === 'IdOnly' && !shape.additional ? 'IdOnly' : 'Full';
  return perElement('GetItem', children(node(request, 'ItemIds')), ([kind, element]) => ({
    'm:Items': itemsXml([viewOfIdElement(ctx, kind, element)], itemShape, shape.extended),
  }));
};

const syncFolderItems: Handler = (ctx, request) => {
  try {
    requireCalendarFolder(ctx, node(request, 'SyncFolderId'));
    const shape = shapeOf(node(request, 'ItemShape'));
    const max = Number(text(request, 'MaxChangesReturned') ?? '0');
    if (!(max >= 1 && max <= 512))
      throw new EwsError('ErrorInvalidArgument', 'MaxChangesReturned must be between 1 and 512.');
    const page = ctx.store.changesSince(ctx.mailbox, text(request, 'SyncState'), max);
    const changes = page.changes.map((change) => ({
      [`t:${change.type}`]:
        change.type === 'Delete' || !change.item
          ? { 't:ItemId': { '@_Id': change.itemId } }
          : {
              't:CalendarItem': calendarItemXml(masterView(change.item), summaryShape(shape), shape.extended),
            },
    }));
    const grouped: OutNode = {};
    // The builder writes each kind together; Exchange interleaves them in order. Clients read all.
    for (const change of changes) {
      for (const [key, value] of Object.entries(change)) {
        const existing = grouped[key];
        grouped[key] = existing === undefined ? value : ([] as unknown[]).concat(existing, value);
      }
    }
    return [
      success('SyncFolderItems', {
        'm:SyncState': page.state,
        'm:IncludesLastItemInRange': String(page.includesLast),
        'm:Changes': grouped,
      }),
    ];
  } catch (error) {
    if (error instanceof EwsError) return [errorMessage('SyncFolderItems', error)];
    throw error;
  }
};

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

const createItem: Handler = (ctx, request) => {
  const invitations = attr(request, 'SendMeetingInvitations');
  requireCalendarFolderIfGiven(ctx, node(request, 'SavedItemFolderId'));
  return perElement('CreateItem', children(node(request, 'Items')), ([kind, element]) => {
    if (kind === 'CalendarItem')
      return {
        'm:Items': { 't:CalendarItem': { 't:ItemId': idOf(createCalendarItem(ctx, element, invitations)) } },
      };
    const reference = attr(node(element, 'ReferenceItemId'), 'Id') ?? '';
    const target = ctx.store.resolve(ctx.mailbox, reference).item;
    if (kind === 'AcceptItem' || kind === 'TentativelyAcceptItem' || kind === 'DeclineItem') {
      const response = kind === 'AcceptItem' ? 'Accept' : kind === 'DeclineItem' ? 'Decline' : 'Tentative';
      ctx.store.respond(ctx.mailbox, target, response);
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

const updateItem: Handler = (ctx, request) => {
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
      item.modified.set(key, override);
      changed = { id: view.id, changeKey: override.changeKey };
    } else {
      significant = applyToItem(item, input, deleted);
      ctx.store.touch(item);
      changed = { id: item.id, changeKey: item.changeKey };
    }
    if (significant && item.isMeeting) item.sequence += 1;
    if (sends(invitations) && item.myResponse === 'Organizer') {
      ctx.store.deliver(item, item.attendees, 'REQUEST');
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

const deleteItem: Handler = (ctx, request) => {
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

export const OPERATIONS: Record<string, Handler> = {
  GetFolder: getFolder,
  FindItem: findItem,
  GetItem: getItem,
  SyncFolderItems: syncFolderItems,
  CreateItem: createItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
};

export { ewsDateTime };
