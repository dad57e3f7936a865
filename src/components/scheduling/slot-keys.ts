import { DateTime } from 'luxon';

export interface SlotBounds {
  zone: string;
  durationMinutes: number;
  /** How far one arrow press moves: the grid's slot length. */
  stepMinutes: number;
  /** The hours the grid shows each day, as minutes after midnight (end exclusive). */
  dayStartMinutes: number;
  dayEndMinutes: number;
  /** Monday to Friday only (the work-week view): Up and Down skip the weekend. */
  weekdaysOnly: boolean;
}

/**
 * Where a key moves the slot cursor: Left/Right by one grid slot within the day (onto the previous
 * or next day past its ends), Up/Down by a day, Home/End to the day's first and last slot,
 * PageUp/PageDown by a week. Null: the key is not ours. Times are wall times in the viewer's
 * zone, so a day of a clock change still starts at the same hour.
 */
export function moveSlot(start: Date, key: string, bounds: SlotBounds): Date | null {
  const local = DateTime.fromJSDate(start, { zone: bounds.zone });
  const day = local.startOf('day');
  const minute = local.hour * 60 + local.minute;
  const lastStart = Math.max(bounds.dayStartMinutes, bounds.dayEndMinutes - bounds.durationMinutes);
  const at = (date: DateTime, minutes: number) =>
    date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  const shiftDay = (date: DateTime, days: number) => {
    let next = date.plus({ days });
    while (bounds.weekdaysOnly && next.weekday > 5) next = next.plus({ days: Math.sign(days) });
    return next;
  };
  let next: DateTime;
  switch (key) {
    case 'ArrowRight':
      next =
        minute + bounds.stepMinutes > lastStart
          ? at(shiftDay(day, 1), bounds.dayStartMinutes)
          : at(day, minute + bounds.stepMinutes);
      break;
    case 'ArrowLeft':
      next =
        minute - bounds.stepMinutes < bounds.dayStartMinutes
          ? at(shiftDay(day, -1), lastStart)
          : at(day, minute - bounds.stepMinutes);
      break;
    case 'ArrowDown':
      next = at(shiftDay(day, 1), minute);
      break;
    case 'ArrowUp':
      next = at(shiftDay(day, -1), minute);
      break;
    case 'Home':
      next = at(day, bounds.dayStartMinutes);
      break;
    case 'End':
      next = at(day, lastStart);
      break;
    case 'PageDown':
      next = at(day.plus({ weeks: 1 }), minute);
      break;
    case 'PageUp':
      next = at(day.minus({ weeks: 1 }), minute);
      break;
    default:
      return null;
  }
  return next.toJSDate();
}

/** The first slot the cursor lands on: now rounded up to the next grid slot, inside the shown hours. */
export function firstSlot(now: Date, bounds: SlotBounds): Date {
  const local = DateTime.fromJSDate(now, { zone: bounds.zone });
  const minute = local.hour * 60 + local.minute;
  const rounded = Math.ceil(minute / bounds.stepMinutes) * bounds.stepMinutes;
  const lastStart = Math.max(bounds.dayStartMinutes, bounds.dayEndMinutes - bounds.durationMinutes);
  let day = local.startOf('day');
  let start = Math.max(rounded, bounds.dayStartMinutes);
  if (start > lastStart) {
    day = day.plus({ days: 1 });
    start = bounds.dayStartMinutes;
  }
  while (bounds.weekdaysOnly && day.weekday > 5) day = day.plus({ days: 1 });
  return day.set({ hour: Math.floor(start / 60), minute: start % 60 }).toJSDate();
}
