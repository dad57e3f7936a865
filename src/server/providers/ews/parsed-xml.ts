/** Reading what fast-xml-parser gives for Autodiscover's answers (POX and SOAP alike). */
export type Xml = { [key: string]: unknown };

/** The elements a key holds: the parser gives one element bare and several as an array. */
export const elements = (value: unknown): Xml[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (entry): entry is Xml => typeof entry === 'object' && entry !== null,
  );

/** The first element a key holds, if any. */
export const firstElement = (value: unknown): Xml | undefined => elements(value)[0];

/** An element's text, trimmed; null when empty or not text. */
export const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : null;
