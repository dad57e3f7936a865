import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError } from '@/server/errors';

/**
 * The JSON key file Google Cloud gives for a service account (IAM → Service accounts → Keys →
 * Add key → JSON). Only what Tandem needs is kept: the private key (encrypted at rest), its id,
 * the service account's address (the JWT's `iss`) and client id (what the Workspace admin
 * authorises for domain-wide delegation).
 */
const keyFileSchema = z.object({
  type: z.literal('service_account'),
  client_email: z.email(),
  client_id: z.string().regex(/^\d+$/),
  private_key: z.string().includes('PRIVATE KEY'),
  private_key_id: z.string().optional(),
});
export type ServiceAccountKey = z.infer<typeof keyFileSchema>;

const BAD_KEY =
  'That is not a service account key file. In Google Cloud open IAM & Admin → Service accounts → your account → Keys → Add key → Create new key → JSON, and upload the downloaded file.';

export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`The key is not valid JSON. ${BAD_KEY}`);
  }
  const key = keyFileSchema.safeParse(json);
  if (!key.success) throw new InvalidInputError(BAD_KEY);
  try {
    createPrivateKey(key.data.private_key);
  } catch {
    throw new InvalidInputError(`The key file's private key cannot be read. ${BAD_KEY}`);
  }
  return key.data;
}
