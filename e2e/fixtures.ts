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

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PGLITE_DIR = '.data/e2e-pglite';
