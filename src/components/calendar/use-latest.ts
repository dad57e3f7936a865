import { useLayoutEffect, useRef } from 'react';

/**
 * A ref that holds the latest value: callbacks handed to FullCalendar, an effect or a memo read
 * it, so they can stay the same function while what they do follows the current render.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
