import { z } from 'zod';
import { parseKeyRing } from '@/server/crypto/secrets';

const flag = z
  .enum(['1', '0', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

export const DEV_AUTH_SECRET = 'tandem-development-secret-never-use-in-production';

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** PostgreSQL in production and CI; absent → embedded PGlite. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
    /** Signs and encrypts session cookies (Auth.js). `openssl rand -base64 32`. */
    AUTH_SECRET: z
      .string({ error: 'is required (openssl rand -base64 32)' })
      .min(32, 'must be at least 32 characters (openssl rand -base64 32)'),
    /** Lists the demo accounts on the sign-in page. */
    TANDEM_DEMO: flag,
    /** The app's public URL: OAuth redirect URIs and webhook addresses are built from it. */
    APP_URL: z.url().default('http://localhost:3000'),
    /** Key ring for secrets at rest: `id:<base64 32 bytes>[,older…]`; the first encrypts. */
    TANDEM_ENCRYPTION_KEYS: z
      .string()
      .optional()
      .superRefine((spec, ctx) => {
        if (!spec) return;
        try {
          parseKeyRing(spec);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
    GOOGLE_CLIENT_ID: z.string().min(1).optional(),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Only to point at a Google-compatible server (the emulator); unset in production. */
    GOOGLE_BASE_URL: z.url().optional(),
    MICROSOFT_CLIENT_ID: z.string().min(1).optional(),
    MICROSOFT_CLIENT_SECRET: z.string().min(1).optional(),
    /** `common` (work and personal accounts), `organizations`, `consumers` or a tenant id. */
    MICROSOFT_TENANT: z.string().min(1).default('common'),
    /** Only to point at a Graph-compatible server (the emulator); unset in production. */
    MICROSOFT_GRAPH_BASE_URL: z.url().optional(),
    MICROSOFT_AUTHORITY_BASE_URL: z.url().optional(),
    /** The mirror's window: days back and days ahead of today. */
    SYNC_WINDOW_PAST_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    SYNC_WINDOW_FUTURE_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    /** Minutes between polls of calendars without push (CalDAV) and the safety poll of the others. */
    SYNC_POLL_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
    /**
     * `inngest`: jobs go to Inngest Cloud or a self-hosted `inngest start` (INNGEST_EVENT_KEY,
     * INNGEST_SIGNING_KEY, INNGEST_BASE_URL). `inline`: the same functions run in-process
     * (demo and tests; refused in production).
     */
    TANDEM_JOBS: z.enum(['inngest', 'inline']).optional(),
    /**
     * Turns on POST /api/testing/tenants for the Playwright specs, which make their own tenants
     * through it; the requests carry this token. Refused in production.
     */
    TANDEM_TEST_PROVISIONING_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Outgoing mail (invitations Tandem sends itself, notification emails): nodemailer's
     * `smtp://user:pass@host:port` or `smtps://…`. Required in production.
     */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    /** From address of Tandem's emails, `Name <address>` or a bare address. */
    MAIL_FROM: z.string().min(3).default('Tandem <tandem@localhost>'),
    /**
     * Where iMIP replies to Tandem arrive: the ORGANIZER of meetings Tandem organises itself and
     * the Reply-To of its invitations. Its mail must reach INBOUND_SMTP_PORT or the inbound hook.
     */
    IMIP_REPLY_ADDRESS: z.email().default('meetings@replies.tandem.test'),
    /** Starts Tandem's SMTP listener for inbound iMIP replies on this port (loopback unless INBOUND_SMTP_HOST). */
    INBOUND_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    INBOUND_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    /** Bearer secret of POST /api/inbound/email (a mail provider's inbound webhook posting raw MIME). */
    INBOUND_EMAIL_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    }
    if (env.AUTH_SECRET === DEV_AUTH_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_SECRET'], message: 'is the development secret' });
    }
    if (env.TANDEM_DEMO) {
      ctx.addIssue({ code: 'custom', path: ['TANDEM_DEMO'], message: 'must be off in production' });
    }
    if (!env.TANDEM_ENCRYPTION_KEYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TANDEM_ENCRYPTION_KEYS'],
        message: 'is required in production',
      });
    }
    if (env.TANDEM_JOBS === 'inline') {
      ctx.addIssue({
        code: 'custom',
        path: ['TANDEM_JOBS'],
        message: 'inline jobs are for the demo and tests only',
      });
    }
    if (!env.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'is required in production' });
    }
    if (env.TANDEM_TEST_PROVISIONING_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['TANDEM_TEST_PROVISIONING_TOKEN'],
        message: 'is for end-to-end tests only',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** Reads and checks the environment; the message names every bad or missing setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new InvalidEnvironmentError(`Tandem cannot start: invalid environment settings\n${lines.join('\n')}`);
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
