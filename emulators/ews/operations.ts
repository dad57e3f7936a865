import { calendarItemXml, ewsDateTime, type ItemShape } from './item-xml';
import { createItem, deleteItem, updateItem } from './item-writes';
import { inboxOf, isMeetingMessageId, meetingMessage, meetingMessageXml } from './meeting-messages';
import { masterView, viewsInWindow, type ItemView } from './occurrences';
import {
  errorMessage,
  perElement,
  requireCalendarFolder,
  success,
  viewOfIdElement,
  type Handler,
} from './responses';
import { attr, children, groupByName, node, nodes, text, type OutNode, type XmlNode } from './soap';
import { EwsError } from './store';
import type { CalendarItemRecord } from './store-types';

/** The EWS operations that read (GetFolder, FindItem, GetItem, SyncFolderItems), and the table of all. */
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

/** FindItem on the Inbox: the meeting messages there, newest first (meeting-messages.ts). */
function inboxItems(ctx: Parameters<Handler>[0]): OutNode[] {
  const messages = [...inboxOf(ctx.mailbox)].reverse();
  const items = groupByName(
    messages.map((message) => meetingMessageXml(ctx.mailbox, message, ctx.mailbox.items.get(message.itemId))),
  );
  return [
    success('FindItem', {
      'm:RootFolder': {
        '@_TotalItemsInView': messages.length,
        '@_IncludesLastItemInRange': 'true',
        't:Items': items,
      },
    }),
  ];
}

const findItem: Handler = (ctx, request) => {
  const folder = node(request, 'ParentFolderIds');
  if (attr(node(folder, 'DistinguishedFolderId'), 'Id') === 'inbox') return inboxItems(ctx);
  try {
    requireCalendarFolder(ctx, folder);
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

const getItem: Handler = (ctx, request) => {
  const shape = shapeOf(node(request, 'ItemShape'));
  const itemShape: ItemShape = shape.base === 'IdOnly' && !shape.additional ? 'IdOnly' : 'Full';
  return perElement('GetItem', children(node(request, 'ItemIds')), ([kind, element]) => {
    const id = attr(element, 'Id') ?? '';
    if (kind === 'ItemId' && isMeetingMessageId(id)) {
      const message = meetingMessage(ctx.mailbox, id);
      if (!message)
        throw new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.');
      return { 'm:Items': meetingMessageXml(ctx.mailbox, message, ctx.mailbox.items.get(message.itemId)) };
    }
    return { 'm:Items': itemsXml([viewOfIdElement(ctx, kind, element)], itemShape, shape.extended) };
  });
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
export type { OperationContext } from './responses';
