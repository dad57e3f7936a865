/**
 * The page the grid bench loads in Chromium: the real AvailabilityGrid with 31 rows × 5 days.
 * Marks `grid:start` before React renders and `grid:interactive` once every row's blocks are in
 * the DOM and the browser has painted and is free to take input (a task after the next frame).
 * Then one arrow-key move: `slot:keydown` → `slot:drawn` (the cursor redrawn across every row).
 */
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AvailabilityGrid, type GridSlot } from '../src/components/scheduling/availability-grid';
import { DateTime } from 'luxon';
import { benchPeople } from './scheduling-grid-people';

// The week the grid opens on (this one), so the blocks are in view without navigating.
const monday = DateTime.now().setZone('Europe/London').startOf('week');
const people = benchPeople(monday.toJSDate());
const HOURS = { slotMinTime: '08:00', slotMaxTime: '18:00' };
const NOW = monday.plus({ hours: 8, minutes: 30 }).toJSDate();

declare global {
  interface Window {
    benchDone?: boolean;
  }
}

function afterPaint(then: () => void) {
  requestAnimationFrame(() => setTimeout(then, 0));
}

function Harness() {
  const [slot, setSlot] = useState<GridSlot | null>(null);
  const onRangeChange = useCallback(() => undefined, []);
  const onSlotChange = useCallback((next: GridSlot) => {
    setSlot(next);
    afterPaint(() => {
      if (document.querySelectorAll('.fc-timeline-body .slot').length > 0) {
        performance.mark('slot:drawn');
        window.benchDone = true;
      }
    });
  }, []);
  return (
    <AvailabilityGrid
      people={people}
      zone="Europe/London"
      locale="en-GB"
      hours={HOURS}
      durationMinutes={60}
      now={NOW}
      slot={slot}
      onSlotChange={onSlotChange}
      onRangeChange={onRangeChange}
      label="Availability grid"
    />
  );
}

function whenDrawn() {
  const rows = document.querySelectorAll('.fc-timeline-body .fc-timeline-lane[data-resource-id]').length;
  const blocks = document.querySelectorAll('.fc-timeline-body .avail').length;
  if (rows < people.length + 1 || blocks === 0) return void requestAnimationFrame(whenDrawn);
  afterPaint(() => {
    performance.mark('grid:interactive');
    performance.measure('grid:tti', 'grid:start', 'grid:interactive');
    const grid = document.querySelector<HTMLElement>('[role="application"]');
    grid?.focus();
    performance.mark('slot:keydown');
    grid?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  });
}

performance.mark('grid:start');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
requestAnimationFrame(whenDrawn);
