import * as ews from 'ews-javascript-api';
import {
  CursorExpiredError,
  ProviderAuthRevokedError,
  ProviderBadRequestError,
  ProviderConflictError,
  ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../errors';
import { RefusedAddressError } from '../caldav/guarded-agent';

const REFUSED_ADDRESS_MESSAGE = new RefusedAddressError().message;
const REFUSED_ADDRESS_CODE = new RefusedAddressError().code;

/**
 * ews-javascript-api failures → the typed provider errors. EWS reports most failures as a
 * ResponseCode (in a response message or a SOAP fault), read here by name; authentication is
 * refused by IIS with a bare HTTP 401 before EWS runs.
 */

const NOT_FOUND = new Set([
  'ErrorItemNotFound',
  'ErrorInvalidIdMalformed',
  'ErrorInvalidIdNotAnItemAttachmentId',
  'ErrorFolderNotFound',
  'ErrorMailRecipientNotFound',
  'ErrorNonExistentMailbox',
  'ErrorCalendarOccurrenceIsDeletedFromRecurrence',
]);
const AUTH = new Set([
  'ErrorImpersonateUserDenied',
  'ErrorAccessDenied',
  'ErrorPasswordExpired',
  'ErrorAccountDisabled',
]);
const UNAVAILABLE = new Set([
  'ErrorInternalServerError',
  'ErrorInternalServerTransientError',
  'ErrorMailboxMoveInProgress',
  'ErrorMailboxStoreUnavailable',
  'ErrorConnectionFailed',
  'ErrorTimeoutExpired',
]);

/** The ResponseCode name of a library error, when it carries one. */
export function responseCodeOf(error: unknown): string | null {
  if (error instanceof ews.ServiceResponseException) return ews.ServiceError[error.ErrorCode] ?? null;
  // A SOAP fault (ErrorServerBusy, ErrorImpersonateUserDenied …) rejects with the library's
  // SoapFaultDetails itself, not an exception: read its ResponseCode, else its faultcode.
  const fault = error as { ResponseCode?: unknown; FaultCode?: unknown } | null;
  if (typeof fault?.ResponseCode === 'number' && fault.ResponseCode > 0)
    return ews.ServiceError[fault.ResponseCode] ?? null;
  if (typeof fault?.FaultCode === 'string' && /:Error\w+$/.test(fault.FaultCode))
    return fault.FaultCode.split(':')[1]!;
  return null;
}

type Details = { containsKey?(key: string): boolean; get?(key: string): string };

/**
 * The MessageXml values of a failure: on a ServiceResponseException's Response, or on the
 * SoapFaultDetails itself (whose `ErrorDetails` has no getter in the typings).
 */
function detailValue(error: unknown, key: string): string | undefined {
  const candidate = error as {
    Response?: { ErrorDetails?: Details; soapFaultDetails?: { ErrorDetails?: Details } };
    ErrorDetails?: Details;
    errorDetails?: Details;
  } | null;
  const sources = [
    candidate?.Response?.ErrorDetails,
    candidate?.ErrorDetails,
    candidate?.errorDetails,
    candidate?.Response?.soapFaultDetails?.ErrorDetails,
  ];
  for (const details of sources) {
    try {
      if (details?.containsKey?.(key)) return details.get?.(key);
    } catch {
      // not a dictionary
    }
  }
  return undefined;
}

function httpStatusOf(error: unknown): number | null {
  const candidate = error as {
    status?: unknown;
    HttpStatusCode?: unknown;
    response?: { status?: unknown };
  } | null;
  for (const value of [candidate?.status, candidate?.HttpStatusCode, candidate?.response?.status])
    if (typeof value === 'number' && value > 0) return value;
  const message = error instanceof Error ? error.message : String(error);
  const match = /\((\d{3})\)|status code (\d{3})|^(\d{3})\b/.exec(message);
  const status = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
  return Number.isFinite(status) ? status : null;
}

function backOffOf(error: unknown): number | null {
  const value = detailValue(error, 'BackOffMilliseconds');
  const ms = Number(value);
  return value !== undefined && Number.isFinite(ms) ? ms : null;
}

/**
 * The address guard refused the connection (service.ts); the library wraps it as an internal
 * server error with the guard's message.
 */
function isRefusedAddress(error: unknown): boolean {
  const candidate = error as { code?: unknown; message?: unknown; Message?: unknown } | null;
  if (candidate?.code === REFUSED_ADDRESS_CODE) return true;
  return [candidate?.message, candidate?.Message].some((text) => text === REFUSED_ADDRESS_MESSAGE);
}

export function toProviderError(error: unknown, what: string): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isRefusedAddress(error))
    return new ProviderUnavailableError(`${what}: ${REFUSED_ADDRESS_MESSAGE}`, undefined, { cause: error });
  // IIS refuses credentials (401) and a down back end (503) with bare HTTP statuses, before EWS
  // runs; EWS itself answers 200, or 500 with a SOAP fault. Only then is the ResponseCode meaningful.
  const httpStatus = httpStatusOf(error);
  const code = httpStatus === null || httpStatus === 200 || httpStatus === 500 ? responseCodeOf(error) : null;
  const text = (error as { message?: unknown } | null)?.message;
  const message = `${what}: ${code ?? (typeof text === 'string' ? text : String(error))}`;
  const options = { cause: error };
  if (code) {
    if (code === 'ErrorServerBusy')
      return new ProviderRateLimitedError(message, backOffOf(error), 500, options);
    if (code === 'ErrorIrresolvableConflict') return new ProviderConflictError(message, 412, options);
    if (code === 'ErrorInvalidSyncStateData') return new CursorExpiredError(message, 400, options);
    if (NOT_FOUND.has(code)) return new ProviderNotFoundError(message, 404, options);
    if (AUTH.has(code)) return new ProviderAuthRevokedError(message, 401, options);
    if (UNAVAILABLE.has(code)) return new ProviderUnavailableError(message, 503, options);
    return new ProviderBadRequestError(message, 400, options);
  }
  const status = httpStatus;
  if (status === 401 || status === 403) return new ProviderAuthRevokedError(message, status, options);
  if (status === 429) return new ProviderRateLimitedError(message, null, status, options);
  if (status !== null && status >= 400 && status < 500)
    return new ProviderBadRequestError(message, status, options);
  return new ProviderUnavailableError(message, status ?? undefined, options);
}

/** Runs one EWS call and types its failure. */
export async function ewsCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toProviderError(error, what);
  }
}
