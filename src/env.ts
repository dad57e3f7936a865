import { z } from 'zod';

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
  });

export type Env = z.infer<typeof envSchema>;

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** Reads and checks the environment; the message names every bad or missing setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new InvalidEnvironmentError(`Tandem cannot start: invalid environment settings\n${lines.join('\n')}`);
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
