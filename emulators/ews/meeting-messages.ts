import { randomBytes } from 'node:crypto';
import { newChangeKey } from './ids';
import { ewsDateTime } from './item-xml';
import type { OutNode } from './soap';
import type { CalendarItemRecord, MailboxRecord, Person, ResponseType } from './store-types';

/**
 * The meeting messages Exchange leaves in the Inbox when iMIP arrives from an organiser
 * elsewhere, beside the calendar item it creates or changes ([MS-OXOCAL] 3.1.4.7.2: the Meeting
 * Request object in the Inbox and the Meeting object on the calendar). EWS shows them as
 * `t:MeetingRequest` (ItemClass IPM.Schedule.Meeting.Request, `MeetingRequestType`
 * NewMeetingRequest / FullUpdate / InformationalUpdate) and `t:MeetingCancellation`
 * (IPM.Schedule.Meeting.Canceled), each with the `AssociatedCalendarItemId` of the calendar item
 * (EWS reference "MeetingRequest", "MeetingCancellation", "AssociatedCalendarItemId",
 * "MeetingRequestType"). An AcceptItem / DeclineItem / TentativelyAcceptItem may name either.
 * An attendee elsewhere proposing a new time (iMIP COUNTER) leaves a `t:MeetingResponse` in the
 * organiser's Inbox ([MS-OXCICAL] "Property: METHOD": COUNTER is a Meeting Response object with
 * PidLidAppointmentCounterProposal; IPM.Schedule.Meeting.Resp.Pos / Tent / Neg by its answer)
 * carrying `ProposedStart` / `ProposedEnd` (EWS reference "MeetingResponse", Exchange 2013).
 * Kept beside the store (one list per mailbox record, gone on reset with it).
 */

export type MeetingRequestType = 'NewMeetingRequest' | 'FullUpdate' | 'InformationalUpdate';

export interface MeetingMessageRecord {
  id: string;
  changeKey: string;
  kind: 'MeetingRequest' | 'MeetingCancellation' | 'MeetingResponse';
  requestType: MeetingRequestType | null;
  /** The calendar item it belongs to. */
  itemId: string;
  uid: string;
  subject: string;
  from: Person;
  received: Date;
  start: Date;
  end: Date;
  location: string;
  /** A MeetingResponse's answer and the new time it proposes. */
  response?: ResponseType;
  proposed?: { start: Date; end: Date };
}

const inboxes = new WeakMap<MailboxRecord, MeetingMessageRecord[]>();

/** An Inbox item id, as opaque as the others (ids.ts) and never mistaken for a calendar item's. */
const MESSAGE_PREFIX = 'AAMkAGmsg';

export function isMeetingMessageId(id: string): boolean {
  return id.startsWith(MESSAGE_PREFIX);
}

export function inboxOf(mailbox: MailboxRecord): MeetingMessageRecord[] {
  let inbox = inboxes.get(mailbox);
  if (!inbox) {
    inbox = [];
    inboxes.set(mailbox, inbox);
  }
  return inbox;
}

export function meetingMessage(mailbox: MailboxRecord, id: string): MeetingMessageRecord | undefined {
  return inboxOf(mailbox).find((message) => message.id === id);
}

/** An id as AcceptItem's ReferenceItemId may give it: a meeting message's is its calendar item's. */
export function calendarItemIdOf(mailbox: MailboxRecord, id: string): string {
  return isMeetingMessageId(id) ? (meetingMessage(mailbox, id)?.itemId ?? id) : id;
}

export function fileMeetingMessage(
  mailbox: MailboxRecord,
  item: CalendarItemRecord,
  kind: MeetingMessageRecord['kind'],
  requestType: MeetingRequestType | null,
  now: Date,
): MeetingMessageRecord {
  const message: MeetingMessageRecord = {
    id: `${MESSAGE_PREFIX}${randomBytes(12).toString('base64url')}`,
    changeKey: newChangeKey(),
    kind,
    requestType,
    itemId: item.id,
    uid: item.uid,
    subject:
      kind === 'MeetingCancellation' ? `Canceled: ${item.subject.replace(/^Canceled: /, '')}` : item.subject,
    from: item.organizer,
    received: now,
    start: item.start,
    end: item.end,
    location: item.location,
  };
  inboxOf(mailbox).push(message);
  return message;
}

/** A counter proposal from `from` (an attendee) for the organiser's `item`. */
export function fileCounterProposal(
  mailbox: MailboxRecord,
  item: CalendarItemRecord,
  from: Person,
  response: ResponseType,
  proposed: { start: Date; end: Date },
  now: Date,
): MeetingMessageRecord {
  const message = fileMeetingMessage(mailbox, item, 'MeetingResponse', null, now);
  // Outlook's subject for a counter proposal; the sender is the attendee, not the organiser.
  Object.assign(message, { subject: `New Time Proposed: ${item.subject}`, from, response, proposed });
  return message;
}

const ITEM_CLASS: Record<MeetingMessageRecord['kind'], string> = {
  MeetingRequest: 'IPM.Schedule.Meeting.Request',
  MeetingCancellation: 'IPM.Schedule.Meeting.Canceled',
  MeetingResponse: 'IPM.Schedule.Meeting.Resp.Tent',
};

function itemClassOf(message: MeetingMessageRecord): string {
  if (message.kind !== 'MeetingResponse') return ITEM_CLASS[message.kind];
  return message.response === 'Accept'
    ? 'IPM.Schedule.Meeting.Resp.Pos'
    : message.response === 'Decline'
      ? 'IPM.Schedule.Meeting.Resp.Neg'
      : ITEM_CLASS.MeetingResponse;
}

function person(who: Person): OutNode {
  return {
    't:Mailbox': {
      't:Name': who.name || who.email,
      't:EmailAddress': who.email,
      't:RoutingType': 'SMTP',
      't:MailboxType': 'OneOff',
    },
  };
}

/** A meeting message as GetItem and FindItem (on the Inbox) write it, elements in schema order. */
export function meetingMessageXml(
  mailbox: MailboxRecord,
  message: MeetingMessageRecord,
  item: CalendarItemRecord | undefined,
): OutNode {
  const element = `t:${message.kind}`;
  return {
    [element]: {
      't:ItemId': { '@_Id': message.id, '@_ChangeKey': message.changeKey },
      't:ItemClass': itemClassOf(message),
      't:Subject': message.subject,
      't:DateTimeReceived': ewsDateTime(message.received),
      't:Sender': person(message.from),
      't:ToRecipients': {
        't:Mailbox': { 't:Name': mailbox.name, 't:EmailAddress': mailbox.email, 't:RoutingType': 'SMTP' },
      },
      't:From': person(message.from),
      't:AssociatedCalendarItemId': { '@_Id': message.itemId, '@_ChangeKey': item?.changeKey ?? '' },
      // A message is out of date once its calendar item has moved on (a later update or cancel).
      't:IsOutOfDate': String(
        inboxOf(mailbox).some(
          (other) => other.uid === message.uid && other.received > message.received && other !== message,
        ),
      ),
      't:ResponseType': message.response ?? item?.myResponse ?? 'NoResponseReceived',
      ...(message.requestType ? { 't:MeetingRequestType': message.requestType } : {}),
      't:UID': message.uid,
      't:Start': ewsDateTime(message.start),
      't:End': ewsDateTime(message.end),
      ...(message.location ? { 't:Location': message.location } : {}),
      ...(message.proposed
        ? {
            't:ProposedStart': ewsDateTime(message.proposed.start),
            't:ProposedEnd': ewsDateTime(message.proposed.end),
          }
        : { 't:Organizer': person(message.from) }),
    },
  };
}
