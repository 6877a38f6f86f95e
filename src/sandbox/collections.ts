// sObject Collections: up to 200 records per call, one result per record in order, `statusCode` in
// record errors, allOrNone false by default. A Collections call costs one API call whatever its size.
import type { ApiRequest, ApiResponse } from './api-types.ts';
import { createRecord, deleteRecord, updateRecord, upsertRecord } from './dml.ts';
import { notFound, SfError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { type Org, schemaOf, writeContext } from './org.ts';
import { readRecord } from './sobject-routes.ts';
import type { SObject } from './store.ts';

export const MAX_RECORDS_PER_COLLECTION = 200;
/** Consecutive records of one type form a chunk; a request with more is refused whole. */
export const MAX_CHUNKS_PER_COLLECTION = 10;

const ROLLED_BACK = new SfError(
  400,
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'Record rolled back because not all records were valid and the request was using AllOrNone header',
);

type Result = { id?: string; success: boolean; errors: unknown[]; created?: boolean };

const tooMany = () =>
  new SfError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${MAX_RECORDS_PER_COLLECTION} records into this call`,
  );

function readBodyRecords(body: unknown): { allOrNone: boolean; records: SObject[] } {
  const b = (body ?? {}) as { allOrNone?: unknown; records?: unknown };
  if (typeof body !== 'object' || body === null || !Array.isArray(b.records)) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'The request body must be an object with a records array');
  }
  if (b.records.length > MAX_RECORDS_PER_COLLECTION) throw tooMany();
  return { allOrNone: b.allOrNone === true, records: b.records as SObject[] };
}

function recordType(record: SObject): string {
  const type = (record.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string') {
    throw new SfError(
      400,
      'INVALID_TYPE',
      'When using the collections API, each record must specify attributes.type',
    );
  }
  return type;
}

/** Message captured from orgs (test/salesforce/captured/collections-too-many-chunks.json). */
function checkChunks(types: string[]): void {
  const chunks = types.filter((t, i) => i === 0 || t.toLowerCase() !== types[i - 1]!.toLowerCase()).length;
  if (chunks > MAX_CHUNKS_PER_COLLECTION) {
    throw new SfError(
      400,
      'INVALID_INPUT',
      'Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.',
      null,
    );
  }
}

/** Runs one operation per item; with allOrNone a single failure undoes them all. */
function each<T>(
  org: Org,
  items: T[],
  allOrNone: boolean,
  op: (item: T) => Omit<Result, 'errors' | 'success'>,
) {
  org.store.begin();
  const results: Result[] = items.map((item) => {
    try {
      return { ...op(item), success: true, errors: [] };
    } catch (error) {
      if (!(error instanceof SfError)) throw error;
      return { success: false, errors: [error.toRecordError()] };
    }
  });
  if (allOrNone && results.some((r) => !r.success)) {
    org.store.rollback();
    return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK.toRecordError()] } : r));
  }
  org.store.commit();
  return results;
}

/** Routes below /composite/sobjects; `parts` follows 'sobjects'. */
export function collectionsRoute(org: Org, req: ApiRequest, parts: string[]): ApiResponse {
  const ctx = writeContext(req.userId, req.headers);
  const { method } = req;
  if (parts.length === 0 && method === 'POST') {
    const { allOrNone, records } = readBodyRecords(req.body);
    const types = records.map(recordType);
    checkChunks(types);
    const results = each(org, records, allOrNone, (r) => ({
      id: createRecord(org, ctx, types[records.indexOf(r)]!, withoutAttributes(r)),
    }));
    return { status: 200, body: results };
  }
  if (parts.length === 0 && method === 'PATCH') {
    const { allOrNone, records } = readBodyRecords(req.body);
    const types = records.map(recordType);
    checkChunks(types);
    const results = each(org, records, allOrNone, (r) => {
      const { id, Id, ...fields } = withoutAttributes(r);
      const recordId = String(id ?? Id ?? '');
      if (!recordId) throw new SfError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
      updateRecord(org, ctx, types[records.indexOf(r)]!, recordId, fields);
      return { id: normalizeId(recordId) ?? recordId };
    });
    return { status: 200, body: results };
  }
  if (parts.length === 0 && method === 'DELETE') {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > MAX_RECORDS_PER_COLLECTION) throw tooMany();
    const results = each(org, ids, req.query.get('allOrNone') === 'true', (id) => {
      const found = org.store.find(id);
      if (!found) throw new SfError(400, 'MALFORMED_ID', `malformed id ${id}`);
      deleteRecord(org, found.type, id);
      return { id: String(found.record.Id) };
    });
    return { status: 200, body: results };
  }
  if (parts.length === 2 && method === 'PATCH') {
    const [type, field] = parts as [string, string];
    const { allOrNone, records } = readBodyRecords(req.body);
    const results = each(org, records, allOrNone, (r) => {
      const rec = withoutAttributes(r);
      const key = Object.keys(rec).find((k) => k.toLowerCase() === field.toLowerCase());
      const value = key ? String(rec[key] ?? '') : '';
      const outcome = upsertRecord(org, ctx, recordType(r) || type, field, value, rec);
      if (outcome.kind === 'multiple') {
        throw new SfError(300, 'DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [field]);
      }
      return { id: outcome.id, created: outcome.created };
    });
    return { status: 200, body: results };
  }
  if (parts.length === 1 && (method === 'POST' || method === 'GET')) return retrieve(org, req, parts[0]!);
  throw notFound();
}

function withoutAttributes(record: SObject): SObject {
  const { attributes: _a, ...rest } = record;
  return rest;
}

function retrieve(org: Org, req: ApiRequest, type: string): ApiResponse {
  const schema = schemaOf(org, type);
  const body = (req.body ?? {}) as { ids?: unknown; fields?: unknown };
  const ids = req.method === 'GET' ? (req.query.get('ids') ?? '').split(',') : body.ids;
  const fields = req.method === 'GET' ? (req.query.get('fields') ?? '').split(',') : body.fields;
  if (!Array.isArray(ids) || !Array.isArray(fields) || fields.length === 0) {
    throw new SfError(400, 'MISSING_ARGUMENT', 'ids and fields are required');
  }
  if (ids.length > 2000) throw tooMany();
  const records = ids.map((id) => {
    const found = org.store.find(String(id));
    if (!found || found.type !== schema.name || found.record.IsDeleted) return null;
    return readRecord(org, schema, found.record, fields.join(','));
  });
  return { status: 200, body: records };
}
