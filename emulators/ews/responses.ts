import { attr, node, type OutNode, type XmlNode } from './soap';
import { masterView, type ItemView } from './occurrences';
import { EwsError, type EwsStore } from './store';
import type { MailboxRecord } from './store-types';

/**
 * What every EWS operation handler shares: the context it acts in, and response messages as
 * Microsoft's EWS reference writes them: one per requested id, `ResponseClass` Success/Error,
 * `ResponseCode` NoError or the error code, `MessageText` for errors.
 */
export interface OperationContext {
  store: EwsStore;
  /** The mailbox acted on: the signed-in account, or the impersonated one. */
  mailbox: MailboxRecord;
}

export type Handler = (ctx: OperationContext, request: XmlNode) => OutNode[];

export function success(name: string, content: OutNode = {}): OutNode {
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
export function perElement<T>(name: string, elements: T[], each: (element: T) => OutNode): OutNode[] {
  return elements.map((element) => {
    try {
      return success(name, each(element));
    } catch (error) {
      if (error instanceof EwsError) return errorMessage(name, error);
      throw error;
    }
  });
}

export function requireCalendarFolder(ctx: OperationContext, folder: XmlNode | undefined): void {
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

/** The view an id element names: ItemId, or RecurringMasterItemId (the master of an occurrence). */
export function viewOfIdElement(ctx: OperationContext, kind: string, element: XmlNode): ItemView {
  if (kind === 'RecurringMasterItemId') {
    const occurrence = ctx.store.resolve(ctx.mailbox, attr(element, 'OccurrenceId') ?? '');
    return masterView(occurrence.item);
  }
  return ctx.store.resolve(ctx.mailbox, attr(element, 'Id') ?? '');
}
