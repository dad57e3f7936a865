/** The tenants and people the Playwright specs sign in as (created by prepare-database.ts). */
export const E2E_PASSWORD = 'e2e-password-1';

export const MEETINGS_TENANT = {
  name: 'E2E Meetings Academy',
  slug: 'e2e-meetings',
  tutor: { email: 'tutor@meetings.e2e.test', name: 'Tara Tutor' },
  learner: { email: 'learner1@meetings.e2e.test', name: 'Liam Learner' },
  otherLearner: { email: 'learner2@meetings.e2e.test', name: 'Lena Learner' },
} as const;

export const ADMIN_TENANT = {
  name: 'E2E Admin College',
  slug: 'e2e-admin',
  admin: { email: 'admin@admin.e2e.test', name: 'Ada Admin' },
  learner: { email: 'learner@admin.e2e.test', name: 'Leo Learner' },
} as const;

/** Calendar integration on; its people connect emulated Google accounts and a Radicale server. */
export const CONNECT_TENANT = {
  name: 'E2E Connections School',
  slug: 'e2e-connect',
  // Each learner connects a different seeded emulator account (emulators/seed/demo.json).
  learner: { email: 'learner@connect.e2e.test', name: 'Cara Learner', googleAccount: 'learner1@northbridge.test' },
  pushLearner: { email: 'learner2@connect.e2e.test', name: 'Pia Learner', googleAccount: 'learner2@northbridge.test' },
  tutor: { email: 'tutor@connect.e2e.test', name: 'Theo Tutor' },
} as const;

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PGLITE_DIR = '.data/e2e-pglite';
export const E2E_APP_URL = `http://127.0.0.1:${E2E_PORT}`;

// The emulators get ports of their own, so a demo running on 4501/4502 does not get in the way.
export const E2E_GOOGLE_PORT = Number(process.env.E2E_GOOGLE_PORT ?? 4511);
export const E2E_MICROSOFT_PORT = Number(process.env.E2E_MICROSOFT_PORT ?? 4512);
export const E2E_GOOGLE_URL = `http://127.0.0.1:${E2E_GOOGLE_PORT}`;
export const E2E_MICROSOFT_URL = `https://127.0.0.1:${E2E_MICROSOFT_PORT}`;
/** The Microsoft emulator's sign-in pages, over plain HTTP (as in the demo). */
export const E2E_MICROSOFT_AUTHORITY_PORT = Number(process.env.E2E_MICROSOFT_AUTHORITY_PORT ?? E2E_MICROSOFT_PORT + 1);
export const E2E_MICROSOFT_AUTHORITY_URL = `http://127.0.0.1:${E2E_MICROSOFT_AUTHORITY_PORT}`;

/** A fixed key ring for the app under test (32 bytes 0x00…0x1f); never used outside e2e. */
export const E2E_ENCRYPTION_KEYS = `e2e:${Buffer.from(Array.from({ length: 32 }, (_, index) => index)).toString('base64')}`;
