import { z } from 'zod';

/**
 * A string PostgreSQL can store and compare: text columns and parameters refuse the NUL
 * character, which would otherwise surface as a database error (a 500) instead of a 400.
 */
export function storableText() {
  return z.string().regex(/^[^\0]*$/, 'Remove the NUL character (\\0) from the text');
}

/**
 * An opaque token from another party (OAuth state and code, Graph subscription ids): visible
 * ASCII only. Anything else is not what we issued, and refusing it here keeps control bytes out
 * of queries and logs.
 */
export function opaqueToken(maxLength: number) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^[\x21-\x7e]+$/, 'Only visible ASCII characters are allowed');
}
