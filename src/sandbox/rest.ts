// REST routing below /services/data/vXX.X. Every call runs as one transaction: a failure leaves no partial writes.

import type { ApiRequest, ApiResponse } from './api-types.ts';
import { collectionsRoute } from './collections.ts';
import { compositeRoute } from './composite.ts';
import { notFound, SfError } from './errors.ts';
import type { Org } from './org.ts';
import { sobjectRoute } from './sobject-routes.ts';
import { QueryCursors } from './soql/cursors.ts';
import { runSearch } from './sosl/search.ts';

/** 7.0-20.0 retired in Summer '22, 21.0-30.0 in Summer '25: REST answers 410 GONE (Salesforce help 000354473). */
export const OLDEST_VERSION = 31;
export const OLDEST_RETIRED_VERSION = 7;
/** Winter '27, the current release (developer.salesforce.com release list). */
export const CURRENT_VERSION = '68.0';

const RELEASES = ['Winter', 'Spring', 'Summer'];

export const isRetiredVersion = (version: string) =>
  /^\d+\.0$/.test(version) && Number(version) >= OLDEST_RETIRED_VERSION && Number(version) < OLDEST_VERSION;

/** v62.0 is Winter '25; three releases a year. */
export function versionList(apiVersion: string) {
  const newest = Math.floor(Number(apiVersion));
  const out = [];
  for (let v = OLDEST_VERSION; v <= newest; v++) {
    const step = (((v - 62) % 3) + 3) % 3;
    const year = 25 + Math.floor((v - 62) / 3);
    out.push({ label: `${RELEASES[step]} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

export function isSupportedVersion(version: string, apiVersion: string): boolean {
  return versionList(apiVersion).some((v) => v.version === version);
}

function resources(org: Org, userId: string) {
  const base = `/services/data/v${org.apiVersion}`;
  const names = ['sobjects', 'query', 'queryAll', 'search', 'composite', 'limits', 'identity'];
  return Object.fromEntries(
    names.map((n) => [n, n === 'identity' ? `${org.url}/id/${org.store.orgId}/${userId}` : `${base}/${n}`]),
  );
}

export function limitsBody(org: Org) {
  const max = org.store.settings.dailyApiLimit;
  return {
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - org.accounting.total) },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DailyAsyncApexExecutions: { Max: 250000, Remaining: 250000 },
    DataStorageMB: { Max: 5, Remaining: 5 },
    FileStorageMB: { Max: 20, Remaining: 20 },
    SingleEmail: { Max: 15, Remaining: 15 },
  };
}

export class RestApi {
  readonly cursors = new QueryCursors();

  constructor(private readonly org: Org) {}

  /** Runs one call; Salesforce errors become the REST error array. */
  dispatch = (req: ApiRequest): ApiResponse => {
    const { store } = this.org;
    store.begin();
    try {
      const response = this.route(req);
      store.commit();
      return response;
    } catch (error) {
      store.rollback();
      if (error instanceof SfError) {
        return { status: error.status, body: [error.toRest(store.settings.duplicateResultKey)] };
      }
      return {
        status: 500,
        body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: `An unexpected error occurred: ${String(error)}` }],
      };
    }
  };

  private route(req: ApiRequest): ApiResponse {
    // Within one call, `org.apiVersion` is the version the call was made with, so every URL in the answer
    // (Location, attributes.url, nextRecordsUrl) carries it, as a real org's do.
    const org: Org = { ...this.org, apiVersion: req.version };
    const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const [head, ...rest] = parts;
    const { method } = req;
    switch (head) {
      case undefined:
        if (method === 'GET') return { status: 200, body: resources(org, req.userId) };
        break;
      case 'sobjects':
        return sobjectRoute(org, req, rest);
      case 'query':
      case 'queryAll': {
        if (method !== 'GET') break;
        if (rest.length === 1) return { status: 200, body: this.cursors.more(org, rest[0]!) };
        const q = req.query.get('q');
        if (!q) throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
        const batch = QueryCursors.batchSize(req.headers['sforce-query-options']);
        return { status: 200, body: this.cursors.query(org, q, head === 'queryAll', batch) };
      }
      case 'search': {
        if (method !== 'GET' || rest.length > 0) break;
        const q = req.query.get('q');
        if (!q) throw new SfError(400, 'MALFORMED_SEARCH', 'A search string has to be specified');
        return { status: 200, body: runSearch(org, q) };
      }
      case 'composite':
        if (rest[0] === 'sobjects') return collectionsRoute(org, req, rest.slice(1));
        if (rest.length === 0 && method === 'POST' && !req.inComposite) {
          return compositeRoute(org, req, this.dispatch);
        }
        break;
      case 'limits':
        if (method === 'GET') return { status: 200, body: limitsBody(org) };
        break;
    }
    throw notFound();
  }
}
