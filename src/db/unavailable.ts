// Whether an error means the database cannot serve right now (unreachable, restarting, every connection busy past
// the pool's wait): the request may succeed if repeated later, so it is answered SERVICE_UNAVAILABLE, never masked.

/** Prisma's codes for an unreachable server, a pool or transaction wait that timed out, a closed connection. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** Node's network codes and PostgreSQL's SQLSTATEs for shutdown, too many connections, cannot connect now. */
const DRIVER_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
]);
/** The kinds Prisma's driver adapter gives the same failures (error.cause.kind, or the error's own). */
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|the database system is (starting up|shutting down)|\b(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT)\b/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 8; depth++) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (code && (PRISMA_CODES.has(code) || DRIVER_CODES.has(code))) return true;
    if (typeof e.kind === 'string' && ADAPTER_KINDS.has(e.kind)) return true;
    const original = (e.originalCode ?? (e.cause as Record<string, unknown> | undefined)?.originalCode) as
      | string
      | undefined;
    if (original && DRIVER_CODES.has(original)) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
    e = (e.cause ?? e.originalError) as Record<string, unknown> | undefined;
  }
  return false;
}

/** PostgreSQL's SQLSTATE of a failed query, through Prisma's and the driver adapter's wrappings (e.g. P2010 with
 *  `meta.driverAdapterError.cause.originalCode`), or undefined. Prisma's own codes (P1xxx–P6xxx) are not SQLSTATEs. */
export function sqlStateOf(error: unknown): string | undefined {
  const state = (value: unknown) =>
    typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) && !/^P[1-9]/.test(value) ? value : undefined;
  for (let e = error as Record<string, unknown> | undefined, depth = 0; e && depth < 8; depth++) {
    const found = state(e.originalCode) ?? state(e.code);
    if (found) return found;
    const meta = e.meta as Record<string, unknown> | undefined;
    e = (meta?.driverAdapterError ?? e.cause ?? e.originalError) as Record<string, unknown> | undefined;
  }
  return undefined;
}

/** Seconds a client should wait before repeating a request refused for overload or an outage. */
export const RETRY_AFTER_SECONDS = 5;
