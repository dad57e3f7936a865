import type { Role } from '@/server/db/schema';
import type { WorkingHours } from '@/server/users/working-hours';

/** Shown on the sign-in page in demo mode, and seeded by scripts/seed.ts. */
export const DEMO_PASSWORD = 'tandem-demo';

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  timeZone: string;
  manageTenantSettings?: boolean;
  /** Unset: Monday to Friday, 09:00–17:00 in their own zone. */
  workingHours?: WorkingHours;
  /** The emulated calendar `npm run demo` connects for them (emulators/seed/demo.json); unset: none. */
  calendar?: DemoCalendar;
}

export interface DemoCalendar {
  provider: 'google' | 'microsoft';
  /** The account at the emulated provider, as its consent page lists it. */
  account: string;
  /** Microsoft: an Outlook.com account rather than work or school. */
  personal?: boolean;
}

export const NORTHBRIDGE_ACCOUNTS: DemoAccount[] = [
  {
    email: 'admin@northbridge.test',
    name: 'Alex Morgan',
    role: 'admin',
    timeZone: 'Europe/London',
    manageTenantSettings: true,
    calendar: { provider: 'microsoft', account: 'alex.morgan@northbridge-college.test' },
  },
  {
    email: 'tutor1@northbridge.test',
    name: 'Priya Shah',
    role: 'tutor',
    timeZone: 'Europe/London',
    calendar: { provider: 'microsoft', account: 'priya.shah@northbridge-college.test' },
  },
  {
    email: 'tutor2@northbridge.test',
    name: 'Daniel Okafor',
    role: 'tutor',
    timeZone: 'Europe/Dublin',
    calendar: { provider: 'google', account: 'daniel.okafor@gmail.test' },
  },
  {
    email: 'learner1@northbridge.test',
    name: 'Sam Taylor',
    role: 'learner',
    timeZone: 'Europe/London',
    // Part-time: the Scheduling Assistant shows his Fridays and late afternoons as outside his hours.
    workingHours: { days: [1, 2, 3, 4], start: '10:00', end: '16:00' },
    calendar: { provider: 'google', account: 'sam.taylor@gmail.test' },
  },
  {
    email: 'learner2@northbridge.test',
    name: 'Aisha Khan',
    role: 'learner',
    timeZone: 'Europe/London',
    workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '14:00' },
    calendar: { provider: 'microsoft', account: 'aisha.khan@outlook.test', personal: true },
  },
  { email: 'learner3@northbridge.test', name: 'Leo Martin', role: 'learner', timeZone: 'Europe/Paris' },
  {
    email: 'learner4@northbridge.test',
    name: 'Mia Chen',
    role: 'learner',
    timeZone: 'America/New_York',
    calendar: { provider: 'google', account: 'mia.chen@gmail.test' },
  },
  {
    email: 'learner5@northbridge.test',
    name: 'Noah Williams',
    role: 'learner',
    timeZone: 'Europe/London',
    workingHours: { days: [1, 2, 3, 4, 5], start: '12:00', end: '20:00' },
  },
  {
    email: 'learner6@northbridge.test',
    name: 'Zoe Evans',
    role: 'learner',
    timeZone: 'Australia/Sydney',
    calendar: { provider: 'microsoft', account: 'zoe.evans@outlook.test', personal: true },
  },
];

export const RIVERSIDE_ACCOUNTS: DemoAccount[] = [
  {
    email: 'admin@riverside.test',
    name: 'Rita Hughes',
    role: 'admin',
    timeZone: 'Europe/London',
    manageTenantSettings: true,
  },
  { email: 'tutor@riverside.test', name: 'Owen Price', role: 'tutor', timeZone: 'Europe/London' },
  { email: 'learner1@riverside.test', name: 'Ivy Brooks', role: 'learner', timeZone: 'Europe/London' },
  { email: 'learner2@riverside.test', name: 'Jack Reid', role: 'learner', timeZone: 'Europe/London' },
];
