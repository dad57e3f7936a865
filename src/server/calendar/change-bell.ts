/**
 * An in-process hint that a tenant's calendars may have changed (a mutation through tRPC, a sync
 * writing the mirror), so that open change streams (feed-changes.ts) look again at once instead of
 * at their next periodic check. Only a hint: the streams still compare feed versions, and their
 * periodic check covers what rings in another process (several app instances, a job worker).
 */
type Listener = () => void;

interface Bell {
  listeners: Map<string, Set<Listener>>;
}

// On globalThis: Next.js may load this module once per route bundle, and a ring from the tRPC
// route must reach the streams of the change route.
const BELL_KEY = Symbol.for('tandem.calendar-change-bell');
const globals = globalThis as typeof globalThis & { [BELL_KEY]?: Bell };
const bell: Bell = (globals[BELL_KEY] ??= { listeners: new Map() });

export function ringCalendarBell(tenantId: string): void {
  for (const listener of bell.listeners.get(tenantId) ?? []) listener();
}

/** Calls `listener` on each ring for the tenant; returns the unsubscribe. */
export function listenForCalendarChanges(tenantId: string, listener: Listener): () => void {
  const set = bell.listeners.get(tenantId) ?? new Set<Listener>();
  set.add(listener);
  bell.listeners.set(tenantId, set);
  return () => {
    set.delete(listener);
    if (set.size === 0) bell.listeners.delete(tenantId);
  };
}
