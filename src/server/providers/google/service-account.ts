/**
 * A Google Workspace service account acting as one member by domain-wide delegation:
 * `new JWT({ email, key, scopes, subject })`. googleapis hard-codes the token URL both as the
 * POST URL and as the JWT's `aud` (PROVIDERS.md "Libraries against the emulators"), so against a
 * configured base URL (the emulator) a request interceptor on the client's own transporter
 * rewrites that origin; against Google nothing is changed. The JWT client signs a fresh
 * assertion when its access token nears expiry: there is no refresh token to keep.
 */
import { auth } from 'googleapis/build/src/apis/calendar';
import { GOOGLE_ENDPOINTS, type GoogleEndpoints } from './config';
import { mapGoogleError } from './errors';

export type JwtClient = InstanceType<typeof auth.JWT>;

export interface ServiceAccountCredentials {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string | null;
}

const GOOGLE_TOKEN_ORIGIN = new URL(GOOGLE_ENDPOINTS.tokenUrl).origin;

export function createServiceAccountClient(
  credentials: ServiceAccountCredentials,
  options: { scopes: readonly string[]; subject: string; endpoints?: Partial<GoogleEndpoints> },
): JwtClient {
  const client = new auth.JWT({
    email: credentials.clientEmail,
    key: credentials.privateKey,
    ...(credentials.privateKeyId ? { keyId: credentials.privateKeyId } : {}),
    scopes: [...options.scopes],
    subject: options.subject,
  });
  const tokenUrl = options.endpoints?.tokenUrl;
  if (tokenUrl && tokenUrl !== GOOGLE_ENDPOINTS.tokenUrl) {
    const target = new URL(tokenUrl);
    client.transporter.interceptors.request.add({
      resolved: (request) => {
        if (request.url.origin === GOOGLE_TOKEN_ORIGIN) request.url = target;
        return Promise.resolve(request);
      },
    });
  }
  return client;
}

/** Runs API calls as the member; the JWT client gets and renews its own tokens. */
export class ServiceAccountSession {
  constructor(readonly client: JwtClient) {}

  async run<T>(call: () => Promise<T>, context: { withSyncToken?: boolean } = {}): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw mapGoogleError(error, context);
    }
  }
}
