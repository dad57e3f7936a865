/** Who is in what way unavailable at a slot, for its sentence. */
export interface SlotStanding {
  total: number;
  busy: string[];
  tentative: string[];
  outsideHours: string[];
  unknown: string[];
}

/**
 * The sentence a screen reader announces for a slot, in the viewer's zone:
 * "Tuesday 3 December, 10:00 to 11:00: all 4 free", or "…: 2 of 4 free; Sam busy, Ann outside
 * working hours". Each person is named once, by the strongest reason.
 */
export function slotSummary(start: number, end: number, zone: string, standing: SlotStanding): string {
  const { day, time } = formattersFor(zone);
  const when = `${day.format(start)}, ${time.format(start)} to ${time.format(end)}`;
  const named = new Set<string>();
  const parts: string[] = [];
  const add = (names: string[], what: string) => {
    for (const name of names) {
      if (named.has(name)) continue;
      named.add(name);
      parts.push(`${name} ${what}`);
    }
  };
  add(standing.busy, 'busy');
  add(standing.tentative, 'tentative');
  add(standing.outsideHours, 'outside working hours');
  add(standing.unknown, 'no information');
  if (parts.length === 0) return `${when}: all ${standing.total} free`;
  return `${when}: ${standing.total - named.size} of ${standing.total} free; ${parts.join(', ')}`;
}

const formatters = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

/** Building a formatter costs far more than using one: one pair per zone for the process. */
function formattersFor(zone: string) {
  let pair = formatters.get(zone);
  if (!pair) {
    pair = {
      day: new Intl.DateTimeFormat('en-GB', {
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        timeZone: zone,
      }),
      time: new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: zone,
      }),
    };
    formatters.set(zone, pair);
  }
  return pair;
}
