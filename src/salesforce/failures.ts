// What a failed Salesforce call or record means for the sync: retry later, re-identify, or stop and report.
import { redactPersonalData } from '../redact.ts';

export type FailureKind =
  /** Transient: the same request may succeed later (lock contention, limits, outages, network). */
  | 'retryable'
  /** A duplicate rule matched an existing record: link to it instead of creating another. */
  | 'duplicate'
  /** An id we remembered no longer exists in the org: forget it and identify again. */
  | 'stale-reference'
  /** The org refused the data itself; retrying the same data cannot help. */
  | 'invalid';

const RETRYABLE_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_LIMIT_EXCEEDED',
  'SERVER_UNAVAILABLE',
  'INVALID_SESSION_ID',
  'PROCESSING_HALTED',
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'ERROR_HTTP_500',
  'ERROR_HTTP_502',
  'ERROR_HTTP_503',
  'ERROR_HTTP_504',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

const STALE_CODES = new Set([
  'ENTITY_IS_DELETED',
  'INVALID_CROSS_REFERENCE_KEY',
  'NOT_FOUND',
  'CANNOT_UPDATE_CONVERTED_LEAD',
]);

export function classifyFailure(code: string): FailureKind {
  if (code === 'DUPLICATES_DETECTED') return 'duplicate';
  if (STALE_CODES.has(code)) return 'stale-reference';
  if (RETRYABLE_CODES.has(code)) return 'retryable';
  return 'invalid';
}

type CallError = { errorCode?: unknown; name?: unknown; code?: unknown; message?: unknown; cause?: unknown };

/** A network error's code (ECONNRESET, UND_ERR_SOCKET…) on the error or down its `cause` chain: `fetch` throws
 *  "fetch failed" with the socket's error as its cause. */
function networkCode(error: unknown): string | undefined {
  for (let e = error as CallError | undefined, depth = 0; e && depth < 5; e = e.cause as CallError, depth++)
    if (typeof e.code === 'string' && /^E[A-Z]+$|^UND_/.test(e.code)) return e.code;
  return undefined;
}

/** A whole call failed (not one record): its code, as jsforce or the network reports it. */
export function callFailureCode(error: unknown): string {
  const e = error as CallError | undefined;
  if (typeof e?.errorCode === 'string') return e.errorCode;
  const network = networkCode(error);
  if (network) return network;
  if (typeof e?.name === 'string' && /^[A-Z_0-9]+$/.test(e.name)) return e.name;
  // Only an error with no code at all is read: some transports drop the socket's error.
  if (/socket hang up|ECONNRESET|fetch failed|network/i.test(typeof e?.message === 'string' ? e.message : ''))
    return 'ECONNRESET';
  return 'UNKNOWN_ERROR';
}

export class SalesforceCallError extends Error {
  override name = 'SalesforceCallError';
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: unknown,
  ) {
    // The message may quote SOQL or values with the visitor's data; it is logged and stored as lastError.
    super(redactPersonalData(message));
  }
  get kind(): FailureKind {
    return classifyFailure(this.code);
  }
}
