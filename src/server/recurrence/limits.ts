// Bounds of a repeat rule, shared by the form and the schema (no dependencies: the browser imports it).
export const MAX_INTERVAL = 52;
export const MAX_COUNT = 500;
/** A series may be planned this far ahead at most: the feed never expands further than it runs. */
export const MAX_SERIES_YEARS = 5;
