import { randomUUID } from 'node:crypto';

/**
 * Graph's error envelope: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`.
 * Logic throws GraphHttpError; the app's onError turns it into this body.
 */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function graphErrorBody(
  code: string,
  message: string,
  clientRequestId?: string,
): Record<string, unknown> {
  const requestId = randomUUID();
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

export const notFound = (): GraphHttpError =>
  new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const malformedId = (): GraphHttpError =>
  new GraphHttpError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');

export const badRequest = (code: string, message: string): GraphHttpError =>
  new GraphHttpError(400, code, message);
