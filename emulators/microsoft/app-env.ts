import type { AccountRecord } from './store-types';
import type { MicrosoftStore, Principal } from './store';

/** Hono context variables shared by the emulator's routes. */
export interface EmulatorEnv {
  Variables: {
    store: MicrosoftStore;
    /** Public origin, e.g. https://127.0.0.1:4502, for absolute @odata links. */
    origin: string;
    principal: Principal;
    mailbox: AccountRecord;
  };
}
