import { Inngest } from 'inngest';

/**
 * The Inngest app every Tandem function belongs to. Its keys and server come from the standard
 * variables (INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, INNGEST_BASE_URL, INNGEST_DEV), read by the SDK.
 * The inline driver runs the same functions without ever sending through it.
 */
export const inngest = new Inngest({ id: 'tandem' });
