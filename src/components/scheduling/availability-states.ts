import type { AvailabilityInterval, AvailabilityState, UnknownReason } from '@/server/scheduling/contract';

/** Words for each state: the grid's blocks, the legend and the spoken slot summaries use the same. */
export const STATE_LABELS: Record<AvailabilityState, string> = {
  free: 'Free',
  busy: 'Busy',
  tentative: 'Tentative',
  out_of_office: 'Out of office',
  working_elsewhere: 'Working elsewhere',
  outside_working_hours: 'Outside working hours',
  unknown: 'No information',
};

export const REASON_LABELS: Record<UnknownReason, string> = {
  no_calendar_connected: 'no calendar connected',
  needs_reconnecting: 'needs reconnecting',
  outside_sync_window: 'outside the sync window',
  not_synced_recently: 'not synced for a while',
};

/**
 * How much a state stands in the way of a meeting, for the "All attendees" row and for saying
 * who cannot come: the worst state of a stretch wins.
 */
export const STATE_WEIGHT: Record<AvailabilityState, number> = {
  free: 0,
  working_elsewhere: 1,
  outside_working_hours: 2,
  unknown: 3,
  tentative: 4,
  busy: 5,
  out_of_office: 6,
};

/** The block's text: "Busy", "Busy: Team meeting" (own titles only), "No information — no calendar connected". */
export function intervalLabel(interval: Pick<AvailabilityInterval, 'state' | 'reason' | 'title'>): string {
  const state = STATE_LABELS[interval.state];
  if (interval.state === 'unknown' && interval.reason) return `${state} — ${REASON_LABELS[interval.reason]}`;
  return interval.title ? `${state}: ${interval.title}` : state;
}

/** The CSS class of a state's pattern and colour (availability-grid.css). */
export function stateClass(state: AvailabilityState): string {
  return `avail-${state.replaceAll('_', '-')}`;
}

/** The legend's rows, in the order people read them: free first, then what blocks more. */
export const LEGEND: { state: AvailabilityState; label: string; description: string }[] = [
  { state: 'free', label: STATE_LABELS.free, description: 'plain white' },
  { state: 'busy', label: STATE_LABELS.busy, description: 'solid dark blue' },
  { state: 'tentative', label: STATE_LABELS.tentative, description: 'blue diagonal stripes' },
  { state: 'out_of_office', label: STATE_LABELS.out_of_office, description: 'purple cross-hatch' },
  { state: 'working_elsewhere', label: STATE_LABELS.working_elsewhere, description: 'green dots' },
  {
    state: 'outside_working_hours',
    label: STATE_LABELS.outside_working_hours,
    description: 'grey horizontal lines',
  },
  {
    state: 'unknown',
    label: `${STATE_LABELS.unknown} (with the reason)`,
    description: 'amber dashed outline and reverse stripes',
  },
];
