// POST /composite: up to 25 subrequests run in order as one API call, with `@{ref.path}` references
// to earlier results and allOrNone rollback. The answer is always 200; each subrequest has its own status.
import type { ApiRequest, ApiResponse } from './api-types.ts';
import { SfError } from './errors.ts';
import type { Org } from './org.ts';

export const MAX_SUBREQUESTS_PER_COMPOSITE = 25;
/** Queries and Collections calls together. */
export const MAX_QUERIES_PER_COMPOSITE = 5;

const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/;
const REFERENCE = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g;
const FORBIDDEN_HEADERS = ['accept', 'authorization', 'content-type'];

interface Subrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

const halted = (message: string) => ({
  status: 400,
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
});
const ROLLED_BACK = 'The transaction was rolled back since another operation in the same transaction failed.';

class MissingReference extends Error {}

function validate(body: unknown, apiVersion: string): Subrequest[] {
  const list = (body as { compositeRequest?: unknown } | undefined)?.compositeRequest;
  if (!Array.isArray(list) || list.length === 0) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'compositeRequest is required and must be a non-empty array');
  }
  if (list.length > MAX_SUBREQUESTS_PER_COMPOSITE) {
    throw new SfError(
      400,
      'LIMIT_EXCEEDED',
      `Composite request can't have more than ${MAX_SUBREQUESTS_PER_COMPOSITE} subrequests`,
    );
  }
  const seen = new Set<string>();
  let queries = 0;
  for (const sub of list as Subrequest[]) {
    if (
      typeof sub?.method !== 'string' ||
      typeof sub.url !== 'string' ||
      typeof sub.referenceId !== 'string'
    ) {
      throw new SfError(400, 'JSON_PARSER_ERROR', 'Each subrequest needs method, url and referenceId');
    }
    if (!REFERENCE_ID.test(sub.referenceId) || seen.has(sub.referenceId)) {
      throw new SfError(400, 'INVALID_INPUT', `Invalid or duplicate referenceId: ${sub.referenceId}`);
    }
    seen.add(sub.referenceId);
    if (!sub.url.startsWith('/services/data/v')) {
      throw new SfError(
        400,
        'INVALID_INPUT',
        `The URL must start with /services/data/v${apiVersion}: ${sub.url}`,
      );
    }
    const forbidden = Object.keys(sub.httpHeaders ?? {}).find((h) =>
      FORBIDDEN_HEADERS.includes(h.toLowerCase()),
    );
    if (forbidden)
      throw new SfError(400, 'INVALID_INPUT', `The ${forbidden} header is not allowed in a subrequest`);
    if (/\/(query|queryAll)\/?(\?|$)|\/composite\/sobjects/.test(sub.url)) queries++;
  }
  if (queries > MAX_QUERIES_PER_COMPOSITE) {
    throw new SfError(
      400,
      'LIMIT_EXCEEDED',
      `Composite request can't have more than ${MAX_QUERIES_PER_COMPOSITE} query or sObject Collections subrequests`,
    );
  }
  return list as Subrequest[];
}

function lookup(results: Map<string, unknown>, refId: string, path: string, expr: string): unknown {
  if (!results.has(refId)) throw new MissingReference(`${expr}|${refId}`);
  let value = results.get(refId);
  // `.field` reads an object's field, `[i]` an array's element (a Collections answer, a query's records); anything
  // else, or a record that failed and so has no id, leaves nothing to resolve: the subrequest fails, not runs.
  for (const [, name, index] of path.matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (name !== undefined)
      value =
        value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, name)
          ? (value as Record<string, unknown>)[name]
          : undefined;
    else value = Array.isArray(value) ? value[Number(index)] : undefined;
  }
  if (value === undefined || value === null) throw new MissingReference(`${expr}|${refId}`);
  return value;
}

/** Replaces `@{ref.path}`; a string that is just one reference takes the referenced value's type. */
function substitute(value: unknown, results: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}$/.exec(value);
    if (whole) return lookup(results, whole[1]!, whole[2]!, value.slice(2, -1));
    return value.replace(REFERENCE, (m, id: string, path: string) =>
      String(lookup(results, id, path, m.slice(2, -1))),
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results)]));
  }
  return value;
}

function failed(response: ApiResponse, forcedAllOrNone: boolean): boolean {
  if (response.status >= 400) return true;
  // A nested Collections call under allOrNone fails the whole composite when any record failed.
  return forcedAllOrNone && Array.isArray(response.body) && response.body.some((r) => r?.success === false);
}

export function compositeRoute(
  org: Org,
  req: ApiRequest,
  dispatch: (sub: ApiRequest) => ApiResponse,
): ApiResponse {
  const subrequests = validate(req.body, org.apiVersion);
  const allOrNone = (req.body as { allOrNone?: unknown }).allOrNone === true;
  const results = new Map<string, unknown>();
  const out: Array<{
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }> = [];
  if (allOrNone) org.store.begin();
  let failedAt = -1;
  for (const [index, sub] of subrequests.entries()) {
    let response: ApiResponse;
    try {
      const url = substitute(sub.url, results) as string;
      let body = substitute(sub.body, results);
      const version = /^\/services\/data\/v(\d+\.\d+)/.exec(url)?.[1] ?? req.version;
      const [pathPart, queryPart] = url.replace(/^\/services\/data\/v\d+\.\d+/, '').split('?');
      const isCollection = pathPart!.startsWith('/composite/sobjects');
      if (allOrNone && isCollection && body && typeof body === 'object') body = { ...body, allOrNone: true };
      const subHeaders = Object.fromEntries(
        Object.entries(sub.httpHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      );
      response = dispatch({
        method: sub.method.toUpperCase(),
        path: pathPart!,
        query: new URLSearchParams(queryPart ?? ''),
        headers: { ...req.headers, ...subHeaders },
        body,
        userId: req.userId,
        version,
        inComposite: true,
      });
      if (failed(response, allOrNone && isCollection))
        failedAt = failedAt === -1 && allOrNone ? index : failedAt;
    } catch (error) {
      if (!(error instanceof MissingReference)) throw error;
      const [expr, refId] = error.message.split('|');
      response = halted(
        `Invalid reference specified. No value for ${expr} found in ${refId}. Provided referenceId ('${refId}') is invalid or refers to a subrequest that failed.`,
      );
      if (allOrNone && failedAt === -1) failedAt = index;
    }
    if (response.status < 400) results.set(sub.referenceId, response.body);
    out.push({
      body: response.body ?? null,
      httpHeaders: response.headers ?? {},
      httpStatusCode: response.status,
      referenceId: sub.referenceId,
    });
    if (failedAt !== -1) break;
  }
  if (allOrNone && failedAt !== -1) {
    org.store.rollback();
    // Every other subrequest, done or not, reports the rollback.
    const all = subrequests.map((sub, i) =>
      i === failedAt
        ? out[i]!
        : {
            body: halted(ROLLED_BACK).body,
            httpHeaders: {},
            httpStatusCode: 400,
            referenceId: sub.referenceId,
          },
    );
    return { status: 200, body: { compositeResponse: all } };
  }
  if (allOrNone) org.store.commit();
  return { status: 200, body: { compositeResponse: out } };
}
