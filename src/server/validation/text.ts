import { z } from 'zod';

/**
 * A string PostgreSQL can store and compare: text columns and parameters refuse the NUL
 * character, which would otherwise surface as a database error (a 500) instead of a 400.
 */
export function storableText() {
  return z.string().regex(/^[^\0]*$/, 'Remove the NUL character (\\0) from the text');
}
