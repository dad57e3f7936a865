/**
 * One side of a conflict (DESIGN.md §4 rule 5): when the change was made, where (`tandem` or a
 * provider kind) and by whom (a Tandem user, when known).
 */
export interface ChangeSide {
  at: Date;
  changedIn: string;
  userId: string | null;
}

/**
 * Two changes to one meeting between syncs (or a 412 on write): the later one wins everywhere.
 * On an exact tie the first (Tandem's, as callers pass it) wins: it is the one already in
 * Tandem and shown to its users, so nothing flips back and forth.
 */
export function pickLaterChange(first: ChangeSide, second: ChangeSide): 'first' | 'second' {
  return second.at.getTime() > first.at.getTime() ? 'second' : 'first';
}
