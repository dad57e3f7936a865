import * as ews from 'ews-javascript-api';

/**
 * An attendee's proposed new time on the organiser's meeting: EWS `Attendee` / `ProposedStart`
 * and `ProposedEnd` (Exchange 2013 SP1 and later; Exchange sets them when the attendee counters,
 * e.g. an iMIP COUNTER from outside). ews-javascript-api's Attendee reads only Mailbox,
 * ResponseType and LastResponseTime and drops the rest, so its loader is wrapped once here to keep
 * these two beside each Attendee it builds. Importing this module installs the wrapper.
 */

interface Loadable {
  LoadFromXmlJsObject(jsObject: Record<string, unknown>, service: ews.ExchangeService): void;
}

const proposals = new WeakMap<ews.Attendee, { start: Date; end: Date }>();
const prototype = ews.Attendee.prototype as unknown as Loadable;
const load = prototype.LoadFromXmlJsObject;

prototype.LoadFromXmlJsObject = function (this: ews.Attendee, jsObject, service) {
  load.call(this, jsObject, service);
  const start = instant(jsObject['ProposedStart']);
  const end = instant(jsObject['ProposedEnd']);
  if (start && end && end > start) proposals.set(this, { start, end });
  else proposals.delete(this);
};

/** xs:dateTime as EWS writes it (UTC with `Z`, or with an offset); null for anything else. */
function instant(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The new time the attendee proposed, or null when they proposed none (or withdrew it). */
export function proposedTimeOf(attendee: ews.Attendee): { start: Date; end: Date } | null {
  return proposals.get(attendee) ?? null;
}
