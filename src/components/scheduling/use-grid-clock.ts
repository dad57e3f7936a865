'use client';

import { useEffect, useState } from 'react';

const MINUTE = 60_000;

/** Now, refreshed each minute: the rows' "local time now" and "synced … ago" stay true. */
export function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), MINUTE);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The hours the grid opens on: the viewer's working day and an hour either side. */
export function shownHours(workingHours: { start: string; end: string }): {
  slotMinTime: string;
  slotMaxTime: string;
} {
  const hour = (time: string) => Number(time.split(':')[0] ?? 0);
  const endHour = Math.ceil(
    Number(workingHours.end.split(':')[0] ?? 0) + Number(workingHours.end.split(':')[1] ?? 0) / 60,
  );
  const hh = (value: number) => `${String(value).padStart(2, '0')}:00`;
  return {
    slotMinTime: hh(Math.max(0, hour(workingHours.start) - 1)),
    slotMaxTime: hh(Math.min(24, endHour + 1)),
  };
}
