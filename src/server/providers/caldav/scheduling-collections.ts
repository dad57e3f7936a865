import { propfind, type DAVAccount, type DAVCalendar } from 'tsdav';

/**
 * RFC 6638 scheduling collections. A calendar home may hold the schedule inbox and outbox, which
 * some servers describe like calendars (VEVENT in their component set): they are not calendars,
 * and the inbox must never become the primary calendar or the write target. The default calendar
 * for new events is named by `schedule-default-calendar-URL`, on the principal (some servers) or
 * on the inbox (RFC 6638 §9.2).
 */

export interface SchedulingUrls {
  inbox: string | null;
  outbox: string | null;
  defaultCalendar: string | null;
}

const NONE: SchedulingUrls = { inbox: null, outbox: null, defaultCalendar: null };

/** The account's scheduling URLs; servers without scheduling (Radicale) simply have none. */
export async function fetchSchedulingUrls(
  account: DAVAccount,
  davFetch: typeof fetch,
): Promise<SchedulingUrls> {
  if (!account.principalUrl) return NONE;
  const base = account.rootUrl ?? account.principalUrl;
  try {
    const [principal] = await propfind({
      url: account.principalUrl,
      props: {
        'c:schedule-inbox-URL': {},
        'c:schedule-outbox-URL': {},
        'c:schedule-default-calendar-URL': {},
      },
      depth: '0',
      fetch: davFetch,
    });
    const inbox = hrefIn(principal?.props?.scheduleInboxURL, base);
    const outbox = hrefIn(principal?.props?.scheduleOutboxURL, base);
    let defaultCalendar = hrefIn(principal?.props?.scheduleDefaultCalendarURL, base);
    if (!defaultCalendar && inbox) {
      const [box] = await propfind({
        url: inbox,
        props: { 'c:schedule-default-calendar-URL': {} },
        depth: '0',
        fetch: davFetch,
      });
      defaultCalendar = hrefIn(box?.props?.scheduleDefaultCalendarURL, base);
    }
    return { inbox, outbox, defaultCalendar };
  } catch {
    // Optional properties: a server that refuses them has no scheduling collections to skip.
    return NONE;
  }
}

/** A schedule inbox or outbox: by its resource type, or by the principal naming it. */
export function isSchedulingCollection(calendar: DAVCalendar, urls: SchedulingUrls): boolean {
  const listed: unknown = calendar.resourcetype;
  const types = (Array.isArray(listed) ? listed : []).map((type) =>
    String(type).toLowerCase().replace(/[-_]/g, ''),
  );
  if (types.includes('scheduleinbox') || types.includes('scheduleoutbox')) return true;
  return sameCollection(calendar.url, urls.inbox) || sameCollection(calendar.url, urls.outbox);
}

export function sameCollection(url: string, other: string | null): boolean {
  if (!other) return false;
  const path = (value: string) => {
    const parsed = new URL(value);
    return `${parsed.origin}${decodeURIComponent(parsed.pathname).replace(/\/+$/, '')}`;
  };
  return path(url) === path(other);
}

/** `<D:href>` inside a property, as tsdav parses it (text, CDATA or a list), made absolute. */
function hrefIn(property: unknown, base: string): string | null {
  const href = (property as { href?: unknown } | undefined)?.href;
  const text = Array.isArray(href) ? href[0] : href;
  const value =
    typeof text === 'string'
      ? text
      : typeof text === 'object' && text && '_cdata' in text
        ? String((text as { _cdata: unknown })._cdata)
        : null;
  if (!value?.trim()) return null;
  try {
    return new URL(value.trim(), base).toString();
  } catch {
    return null;
  }
}
