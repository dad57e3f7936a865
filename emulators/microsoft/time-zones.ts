import { DateTime } from 'luxon';

/**
 * Graph accepts both Windows zone names ("Pacific Standard Time") and IANA names; it echoes the
 * name it was given in originalStartTimeZone. The emulator keeps a small table of the Windows
 * names people actually send, which is enough for the demo and the tests.
 */
const WINDOWS_TO_IANA: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'Lord Howe Standard Time': 'Australia/Lord_Howe',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
};

/** IANA name for a Graph zone name, or null when the emulator does not know it. */
export function toIanaZone(name: string): string | null {
  const mapped = WINDOWS_TO_IANA[name];
  if (mapped) return mapped;
  return DateTime.local().setZone(name).isValid ? name : null;
}

/** Graph's wire format for a wall-clock time: seven fractional digits, no offset. */
export function formatGraphDateTime(value: DateTime): string {
  return `${value.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`;
}

/** Parses Graph's `dateTime` (offset-less, fractional seconds optional) in the given IANA zone. */
export function parseGraphDateTime(dateTime: string, ianaZone: string): DateTime | null {
  // An explicit offset or Z wins over the zone, as Graph does for ISO strings with offsets.
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/.test(dateTime);
  const parsed = DateTime.fromISO(dateTime, { zone: hasOffset ? 'utc' : ianaZone, setZone: false });
  return parsed.isValid ? parsed : null;
}

/** Reads `Prefer: outlook.timezone="…"` among possibly several comma-separated preferences. */
export function preferredZone(prefer: string | undefined): { name: string; iana: string } | null {
  if (!prefer) return null;
  const match = /outlook\.timezone\s*=\s*"?([^",]+)"?/i.exec(prefer);
  const name = match?.[1]?.trim();
  if (!name) return null;
  const iana = toIanaZone(name);
  return iana ? { name, iana } : null;
}

/** Reads `Prefer: odata.maxpagesize=N`. */
export function preferredPageSize(prefer: string | undefined): number | null {
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? '');
  return match?.[1] ? Math.max(1, Number(match[1])) : null;
}
