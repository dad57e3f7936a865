import { describe, expect, it } from 'vitest';
import { buildTimeline } from './timeline';
import { workingSpans } from './working-hours';
import { unknownSpansOf } from './unknown-spans';
import { DEFAULT_WORKING_HOURS } from '@/server/users/working-hours';

const at = (iso: string) => Date.parse(iso);
const span = (start: string, end: string) => ({ start: at(start), end: at(end) });

describe('workingSpans', () => {
  it('keeps 09:00–17:00 local across the spring-forward Sunday in London', () => {
    // 29 March 2026 is the change; Friday 27 is GMT, Monday 30 is BST.
    const spans = workingSpans(
      DEFAULT_WORKING_HOURS,
      'Europe/London',
      at('2026-03-27T00:00:00Z'),
      at('2026-03-31T00:00:00Z'),
    );
    expect(spans).toEqual([
      span('2026-03-27T09:00:00Z', '2026-03-27T17:00:00Z'),
      span('2026-03-30T08:00:00Z', '2026-03-30T16:00:00Z'),
    ]);
  });

  it('follows each person’s own zone and days', () => {
    const spans = workingSpans(
      { days: [7], start: '08:30', end: '12:00' },
      'Australia/Lord_Howe',
      at('2026-04-04T00:00:00Z'),
      at('2026-04-06T00:00:00Z'),
    );
    // Sunday 5 April 2026 is Lord Howe's fall-back day (02:00 back to 01:30): UTC+10:30 after it.
    expect(spans).toEqual([span('2026-04-04T22:00:00Z', '2026-04-05T01:30:00Z')]);
  });

  it('a New York day straddles two UTC dates', () => {
    const spans = workingSpans(
      { days: [1], start: '18:00', end: '23:00' },
      'America/New_York',
      at('2026-03-02T00:00:00Z'),
      at('2026-03-04T00:00:00Z'),
    );
    expect(spans).toEqual([span('2026-03-02T23:00:00Z', '2026-03-03T04:00:00Z')]);
  });
});

describe('buildTimeline', () => {
  const from = at('2026-03-03T00:00:00Z');
  const to = at('2026-03-04T00:00:00Z');
  const working = [span('2026-03-03T09:00:00Z', '2026-03-03T17:00:00Z')];

  it('covers the range with disjoint intervals; the strongest state wins where blocks overlap', () => {
    const intervals = buildTimeline(
      from,
      to,
      [
        { ...span('2026-03-03T10:00:00Z', '2026-03-03T12:00:00Z'), state: 'tentative' },
        { ...span('2026-03-03T11:00:00Z', '2026-03-03T11:30:00Z'), state: 'out_of_office' },
        { ...span('2026-03-03T16:30:00Z', '2026-03-03T18:00:00Z'), state: 'busy', title: 'Mine' },
      ],
      working,
      [],
    );
    expect(intervals.map((i) => [i.start.slice(11, 16), i.end.slice(11, 16), i.state, i.title])).toEqual([
      ['00:00', '09:00', 'outside_working_hours', undefined],
      ['09:00', '10:00', 'free', undefined],
      ['10:00', '11:00', 'tentative', undefined],
      ['11:00', '11:30', 'out_of_office', undefined],
      ['11:30', '12:00', 'tentative', undefined],
      ['12:00', '16:30', 'free', undefined],
      ['16:30', '18:00', 'busy', 'Mine'],
      ['18:00', '00:00', 'outside_working_hours', undefined],
    ]);
  });

  it('no information fills only free working time, with the strongest reason', () => {
    const intervals = buildTimeline(
      from,
      to,
      [{ ...span('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z'), state: 'busy' }],
      working,
      [
        { start: from, end: to, reason: 'not_synced_recently' },
        { ...span('2026-03-03T14:00:00Z', '2026-03-04T00:00:00Z'), reason: 'needs_reconnecting' },
      ],
    );
    expect(intervals.map((i) => [i.start.slice(11, 16), i.state, i.reason])).toEqual([
      ['00:00', 'outside_working_hours', undefined],
      ['09:00', 'unknown', 'not_synced_recently'],
      ['10:00', 'busy', undefined],
      ['11:00', 'unknown', 'not_synced_recently'],
      ['14:00', 'unknown', 'needs_reconnecting'],
      ['17:00', 'outside_working_hours', undefined],
    ]);
  });
});

describe('unknownSpansOf', () => {
  const now = at('2026-03-03T08:00:00Z');
  const healthy = {
    userId: 'u',
    connectionStatus: 'active' as const,
    busy: true,
    show: true,
    lastSyncedAt: new Date(now - 60_000),
    windowStart: new Date('2026-01-01T00:00:00Z'),
    windowEnd: new Date('2026-03-10T00:00:00Z'),
  };
  const range = [at('2026-03-09T00:00:00Z'), at('2026-03-11T00:00:00Z')] as const;

  it('names each reason', () => {
    expect(unknownSpansOf([], ...range, now)).toEqual([
      { start: range[0], end: range[1], reason: 'no_calendar_connected' },
    ]);
    // A calendar that does not count as busy is as good as none.
    expect(unknownSpansOf([{ ...healthy, busy: false }], ...range, now)[0]?.reason).toBe(
      'no_calendar_connected',
    );
    expect(unknownSpansOf([{ ...healthy, connectionStatus: 'needs_reauth' }], ...range, now)[0]?.reason).toBe(
      'needs_reconnecting',
    );
    expect(unknownSpansOf([healthy], ...range, now)).toEqual([
      { start: at('2026-03-10T00:00:00Z'), end: range[1], reason: 'outside_sync_window' },
    ]);
    const stale = { ...healthy, lastSyncedAt: new Date(now - 13 * 3_600_000), windowEnd: null };
    expect(unknownSpansOf([stale], ...range, now)).toEqual([
      { start: range[0], end: range[1], reason: 'not_synced_recently' },
    ]);
  });
});
