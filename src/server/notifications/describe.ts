import type { NotificationKind } from './kinds';

/**
 * What a notification says, in plain words, and where it leads: the bell and the email write the
 * same sentence. Payloads are written by many services over time, so every field is optional
 * and the sentence falls back to less detail rather than failing.
 */
export interface NotificationText {
  /** One sentence, e.g. "Sam Taylor declined Weekly check-in: ‘I have a GP appointment’". */
  text: string;
  /** The app path to open: the meeting on the calendar, or the calendars page. */
  href: string;
}

export interface DescribeContext {
  /** The person reading it (the connection's owner reads "your calendar", others their name). */
  recipientUserId: string;
  /** Names of the people payloads mention by id (user ids and meeting attendee ids). */
  names: Map<string, string>;
  zone: string;
  locale: string;
}

const ANSWERED: Record<string, string> = {
  accepted: 'accepted',
  declined: 'declined',
  tentative: 'said maybe to',
  needs_action: 'has not answered',
};

const PROVIDER_NAMES: Record<string, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  icloud: 'iCloud',
  caldav: 'CalDAV',
  exchange: 'Exchange',
  // Connections to Exchange Server are of provider `ews` (bulk add through impersonation makes them).
  ews: 'Exchange',
};

/** Where a change was made, as people say it: "moved … by Priya Shah in Outlook". */
const CHANGE_PLACES: Record<string, string> = {
  tandem: 'Tandem',
  google: 'Google Calendar',
  microsoft: 'Outlook',
  icloud: 'iCloud',
  caldav: 'their calendar app',
  ews: 'Outlook',
};

export function describeNotification(
  kind: NotificationKind,
  payload: Record<string, unknown>,
  context: DescribeContext,
): NotificationText {
  const field = (name: string) => {
    const value = payload[name];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  const title = field('title') ?? 'a meeting';
  const meetingId = field('meetingId');
  // An occurrence of a recurring meeting (payload `scope`): the link opens the calendar at it.
  const occurrenceAt = payload['scope'] ? field('startsAt') : null;
  const meetingHref = meetingId
    ? `/calendar?meeting=${encodeURIComponent(meetingId)}${occurrenceAt ? `&at=${encodeURIComponent(occurrenceAt)}` : ''}`
    : '/calendar';
  const when = (name: string) => {
    const iso = field(name);
    return iso ? formatWhen(new Date(iso), context) : null;
  };
  const person = () => {
    const id = field('attendeeId');
    return (
      field('attendeeName') ?? (id ? context.names.get(id) : undefined) ?? field('attendeeEmail') ?? 'Someone'
    );
  };
  /** " by Priya Shah in Outlook" for a change made in the organiser's own calendar; "" for Tandem's. */
  const changedBy = () => {
    const where = field('changedIn');
    if (!where || where === 'tandem') return '';
    const name = field('changedByName');
    return `${name ? ` by ${name}` : ''} in ${CHANGE_PLACES[where] ?? 'their calendar'}`;
  };
  const quoted = (name: string) => {
    const value = field(name);
    return value ? `: ‘${value.trim()}’` : '';
  };

  switch (kind) {
    case 'meeting_invited': {
      const at = when('startsAt');
      return { text: `You are invited to ${title}${at ? ` on ${at}` : ''}`, href: meetingHref };
    }
    case 'meeting_updated': {
      const at = when('startsAt');
      // One occurrence of a series, or it and the later ones: which one, by the time it had.
      const from = when('previousStartsAt');
      const which = from
        ? `${title} on ${from}${payload['scope'] === 'following' ? ' and later' : ''}`
        : title;
      const by = changedBy();
      const text =
        payload['timeChanged'] === true && at
          ? `${which} moved to ${at}${by}. Please answer again.`
          : `${which} was changed${by}`;
      return { text, href: meetingHref };
    }
    case 'meeting_cancelled': {
      const at = when('startsAt');
      if (payload['scope'] === 'following' && at)
        return { text: `${title} was cancelled from ${at} on${changedBy()}`, href: meetingHref };
      return { text: `${title}${at ? ` on ${at}` : ''} was cancelled${changedBy()}`, href: meetingHref };
    }
    case 'meeting_response': {
      if (payload['removedFromCalendar'] === true) {
        return { text: `${person()} removed ${title} from their calendar`, href: meetingHref };
      }
      const answer = ANSWERED[field('response') ?? ''] ?? 'answered';
      // An answer to one occurrence of a series names it.
      const at = payload['scope'] ? when('startsAt') : null;
      const which = at ? ` on ${at}` : '';
      return { text: `${person()} ${answer} ${title}${which}${quoted('comment')}`, href: meetingHref };
    }
    case 'meeting_counter_proposed': {
      const at = when('proposedStartsAt');
      return {
        text: `${person()} proposed a new time for ${title}${at ? `: ${at}` : ''}${quoted('comment')}`,
        href: meetingHref,
      };
    }
    case 'meeting_change_overridden': {
      // payload: yourChangeIn / winnerChangeIn (tandem or a provider), winnerName, startsAt; reason
      // 'all_day' when the organiser made the copy all-day and Tandem kept the meeting's time.
      const where = (name: string) => CHANGE_PLACES[field(name) ?? ''] ?? 'your calendar';
      const by = field('winnerName');
      const at = when('startsAt');
      if (field('reason') === 'all_day')
        return {
          text:
            `${title} stays a timed meeting${at ? ` on ${at}` : ''}: making it all-day in ` +
            `${where('yourChangeIn')} was undone there`,
          href: meetingHref,
        };
      return {
        text:
          `Your change to ${title} in ${where('yourChangeIn')} was replaced by a later change` +
          `${by ? ` by ${by}` : ''} in ${where('winnerChangeIn')}${at ? `: it is now on ${at}` : ''}`,
        href: meetingHref,
      };
    }
    case 'meeting_delivery_failed': {
      const detail = field('detail');
      return {
        text: `Could not deliver ${title} to ${person()}${detail ? `: ${lowerFirst(detail)}` : ''}`,
        href: meetingHref,
      };
    }
    case 'connection_needs_reauth': {
      const provider = PROVIDER_NAMES[field('provider') ?? ''] ?? 'A';
      const account = field('accountEmail');
      const owner = field('ownerUserId');
      const whose =
        !owner || owner === context.recipientUserId ? 'Your' : `${context.names.get(owner) ?? 'A member'}’s`;
      const calendar = `${provider} calendar${account ? ` (${account})` : ''}`;
      return {
        text: `${whose} ${calendar} needs reconnecting`,
        href: '/settings/calendars',
      };
    }
    case 'calendar_connected_by_organisation': {
      const provider =
        field('provider') === 'microsoft' ? 'Outlook' : (PROVIDER_NAMES[field('provider') ?? ''] ?? 'A');
      const account = field('accountEmail');
      return {
        text: `Your ${provider} calendar${account ? ` (${account})` : ''} is now connected to Tandem by your organisation`,
        href: '/settings/calendars',
      };
    }
  }
}

/** The ids a payload names people by: looked up in bulk before describing a page of them. */
export function personIdsIn(payload: Record<string, unknown>): string[] {
  return ['attendeeId', 'ownerUserId'].flatMap((name) => {
    const value = payload[name];
    return typeof value === 'string' && value !== '' ? [value] : [];
  });
}

function formatWhen(at: Date, { zone, locale }: Pick<DescribeContext, 'zone' | 'locale'>): string | null {
  if (Number.isNaN(at.getTime())) return null;
  return new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
}

function lowerFirst(text: string): string {
  // "Reconnect needed" reads as part of the sentence; an acronym or a name keeps its capital.
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
