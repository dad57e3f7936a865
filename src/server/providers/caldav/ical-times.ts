import ICAL from 'ical.js';
import {
  ianaZoneFor,
  utcToWall,
  wallFromNaiveMs,
  wallToNaiveMs,
  wallToUtc,
  type WallTime,
} from './time-zones';

/** A DATE or DATE-TIME value as written: the wall time plus how it is anchored. */
export interface DateValue {
  isDate: boolean;
  wall: WallTime;
  /** TZID parameter; null for UTC (`Z`) and floating values. */
  tzid: string | null;
  utc: boolean;
}

export function readDateValue(property: ICAL.Property, value?: ICAL.Time): DateValue {
  const time = value ?? (property.getFirstValue() as ICAL.Time);
  const tzidParameter = property.getParameter('tzid');
  const tzid = typeof tzidParameter === 'string' ? tzidParameter : null;
  // ical.js marks `…Z` values with its UTC zone; TZID values keep a floating zone (none registered).
  const utc = time.zone?.tzid === 'UTC';
  return {
    isDate: time.isDate,
    wall: {
      year: time.year,
      month: time.month,
      day: time.day,
      hour: time.hour,
      minute: time.minute,
      second: time.second,
    },
    tzid: utc || time.isDate ? null : tzid,
    utc,
  };
}

/**
 * Resolves the zones one iCalendar object uses. Known IANA names go through Intl; anything else
 * (Outlook-style names, custom zones) through the object's own VTIMEZONE; floating times and
 * unknown zones without a VTIMEZONE are read as UTC, since the owner's zone is not known here.
 */
export class ZoneResolver {
  private readonly embedded = new Map<string, ICAL.Timezone>();

  constructor(vcalendar: ICAL.Component | null) {
    for (const component of vcalendar?.getAllSubcomponents('vtimezone') ?? []) {
      const tzid = component.getFirstPropertyValue('tzid');
      if (typeof tzid === 'string') this.embedded.set(tzid, new ICAL.Timezone(component));
    }
  }

  /** The IANA zone to report for a TZID, looking at X-LIC-LOCATION when the name itself is not one. */
  ianaOf(tzid: string | null): string | null {
    if (!tzid) return null;
    const direct = ianaZoneFor(tzid);
    if (direct) return direct;
    const location = this.embedded.get(tzid)?.component.getFirstPropertyValue('x-lic-location');
    return typeof location === 'string' ? ianaZoneFor(location) : null;
  }

  toInstant(wall: WallTime, tzid: string | null, utc: boolean): number {
    if (utc || !tzid) return wallToNaiveMs(wall);
    const iana = this.ianaOf(tzid);
    if (iana) return wallToUtc(wall, iana);
    const embedded = this.embedded.get(tzid);
    if (embedded) return ICAL.Time.fromData({ ...wall, isDate: false }, embedded).toUnixTime() * 1000;
    return wallToNaiveMs(wall);
  }

  toWall(instant: number, tzid: string | null, utc: boolean): WallTime {
    if (utc || !tzid) return wallFromNaiveMs(instant);
    const iana = this.ianaOf(tzid);
    if (iana) return utcToWall(instant, iana);
    const embedded = this.embedded.get(tzid);
    if (embedded) {
      const time = ICAL.Time.fromJSDate(new Date(instant), true).convertToZone(embedded);
      return {
        year: time.year,
        month: time.month,
        day: time.day,
        hour: time.hour,
        minute: time.minute,
        second: time.second,
      };
    }
    return wallFromNaiveMs(instant);
  }

  valueToInstant(value: DateValue): number {
    return value.isDate
      ? wallToNaiveMs({ ...value.wall, hour: 0, minute: 0, second: 0 })
      : this.toInstant(value.wall, value.tzid, value.utc);
  }
}

export function isoDate(wall: WallTime): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

export function wallFromIsoDate(date: string): WallTime {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return { year, month, day, hour: 0, minute: 0, second: 0 };
}

export function addDays(date: string, days: number): string {
  return isoDate(wallFromNaiveMs(wallToNaiveMs(wallFromIsoDate(date)) + days * 86_400_000));
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
