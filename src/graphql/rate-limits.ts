// Per-credential rate limits on the fields that cost real work (a Salesforce call, a plan, a diff): a token bucket
// in process memory per field and credential. A caller over its rate gets RATE_LIMITED (HTTP 429) with the seconds
// to wait, in `extensions.retryAfterSeconds` and a Retry-After header. Each instance counts alone: a limit per
// instance is enough to keep one credential from monopolising it.
import { GraphQLError } from 'graphql';
import type { Context } from './context.ts';

interface Rate {
  /** Calls allowed at once after a quiet period. */
  burst: number;
  /** Calls regained per minute. */
  perMinute: number;
  /** Whose bucket: the credential's, or the tenant's when the cost falls on the tenant's org (its API budget). */
  per: 'credential' | 'tenant';
}

/** Each limited field with its rate. */
export const RATE_LIMITS = {
  planChat: { burst: 20, perMinute: 60, per: 'credential' },
  diffMapping: { burst: 20, perMinute: 60, per: 'credential' },
  checkMappingAgainstOrg: { burst: 5, perMinute: 10, per: 'credential' },
  /** `salesforceApiUsage(refresh: true)`: one call against the org's daily API limit each time. */
  salesforceApiUsageRefresh: { burst: 2, perMinute: 1, per: 'tenant' },
} as const satisfies Record<string, Rate>;

export type LimitedField = keyof typeof RATE_LIMITS;

/** Buckets kept at most; past it the oldest are dropped (a dropped bucket starts full again). */
const MAX_BUCKETS = 10_000;
const buckets = new Map<string, { tokens: number; at: number }>();

/** Takes one call from the viewer's bucket for `field`, or throws RATE_LIMITED saying when to come back. */
export function takeRateToken(
  { viewer }: Pick<Context, 'viewer'>,
  field: LimitedField,
  now = Date.now(),
): void {
  const rate: Rate = RATE_LIMITS[field];
  const who = rate.per === 'tenant' ? `tenant:${viewer.tenantId}` : viewer.actor;
  const key = `${field}\u0000${who}`;
  const perMs = rate.perMinute / 60_000;
  const bucket = buckets.get(key) ?? { tokens: rate.burst, at: now };
  bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  buckets.delete(key);
  if (buckets.size >= MAX_BUCKETS) buckets.delete(buckets.keys().next().value!);
  buckets.set(key, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return;
  }
  const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / perMs / 1000);
  throw new GraphQLError(
    `Too many ${field === 'salesforceApiUsageRefresh' ? 'salesforceApiUsage(refresh: true)' : field} calls: ` +
      `at most ${rate.perMinute} a minute${rate.per === 'tenant' ? ' per tenant' : ' per credential'} ` +
      `(${rate.burst} at once). Try again in ${retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds,
        http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
      },
    },
  );
}
