/**
 * The kinds of notification Tandem sends, each with the plain label the preferences show and
 * whether it goes by email when the person has not chosen. Answers are frequent and visible on
 * the meeting, so they stay in the bell unless asked for; everything a person must act on (an
 * invitation, a change, a failed delivery, a calendar to reconnect) is emailed by default.
 */
export const NOTIFICATION_KINDS = {
  meeting_invited: { label: 'Someone invites me to a meeting or review', emailByDefault: true },
  meeting_updated: { label: 'A meeting I am invited to changes', emailByDefault: true },
  meeting_cancelled: { label: 'A meeting I am invited to is cancelled', emailByDefault: true },
  meeting_response: { label: 'Someone answers a meeting I organised', emailByDefault: false },
  meeting_counter_proposed: {
    label: 'Someone proposes a new time for a meeting I organised',
    emailByDefault: true,
  },
  meeting_change_overridden: {
    label: 'A change I made to a meeting was replaced by a later change elsewhere',
    emailByDefault: true,
  },
  meeting_delivery_failed: {
    label: 'A meeting I organised could not reach someone',
    emailByDefault: true,
  },
  connection_needs_reauth: { label: 'A calendar needs reconnecting', emailByDefault: true },
  calendar_connected_by_organisation: {
    label: 'My organisation connects one of my calendars to Tandem',
    emailByDefault: true,
  },
} as const satisfies Record<string, { label: string; emailByDefault: boolean }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

/** In the order the preferences list them. */
export const NOTIFICATION_KIND_LIST = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];

export function isNotificationKind(value: string): value is NotificationKind {
  return Object.hasOwn(NOTIFICATION_KINDS, value);
}

/** A person's choice for one kind: shown in Tandem's bell, sent by email. */
export interface KindPreference {
  inApp: boolean;
  email: boolean;
}

export function defaultPreference(kind: NotificationKind): KindPreference {
  return { inApp: true, email: NOTIFICATION_KINDS[kind].emailByDefault };
}
