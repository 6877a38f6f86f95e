// /sobjects: describe, create, read, update, delete, upsert by external id, and file bodies.
import type { ApiRequest, ApiResponse } from './api-types.ts';
import { describeGlobal, describeObject, objectInfo } from './describe.ts';
import { createRecord, deleteRecord, existing, updateRecord, upsertRecord } from './dml.ts';
import { jsonParserError, notFound, SfError } from './errors.ts';
import { type Org, schemaOf, writeContext } from './org.ts';
import type { ObjectSchema } from './schema.ts';
import type { SObject } from './store.ts';

const ID_LIKE = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;

function recordBody(body: unknown): SObject {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw jsonParserError(
      `Cannot deserialize instance of sobject from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE'} token`,
    );
  }
  return body as SObject;
}

/** A record as GET /sobjects/T/{id} answers it: attributes first, then all or the requested fields. */
export function readRecord(
  org: Org,
  schema: ObjectSchema,
  record: SObject,
  fieldList?: string | null,
): SObject {
  const out: SObject = {
    attributes: {
      type: schema.name,
      url: `/services/data/v${org.apiVersion}/sobjects/${schema.name}/${record.Id}`,
    },
  };
  const names = fieldList
    ? fieldList.split(',').map((n) => {
        const field = schema.field(n.trim());
        if (!field) {
          throw new SfError(
            400,
            'INVALID_FIELD',
            `No such column '${n.trim()}' on entity '${schema.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        }
        return field.name;
      })
    : schema.fields.map((f) => f.name);
  if (fieldList && !names.includes('Id')) out.Id = record.Id;
  for (const name of names) {
    const field = schema.field(name)!;
    // Blobs are fetched from their own URL, never inline.
    out[name] =
      field.type === 'base64' && record[name]
        ? `/services/data/v${org.apiVersion}/sobjects/${schema.name}/${record.Id}/${name}`
        : (record[name] ?? null);
  }
  return out;
}

function created(org: Org, type: string, id: string, extra: SObject = {}): ApiResponse {
  return {
    status: 201,
    body: { id, success: true, errors: [], ...extra },
    headers: { Location: `/services/data/v${org.apiVersion}/sobjects/${type}/${id}` },
  };
}

export function sobjectRoute(org: Org, req: ApiRequest, parts: string[]): ApiResponse {
  const { method } = req;
  const ctx = () => writeContext(req.userId, req.headers);
  if (parts.length === 0) {
    if (method !== 'GET') throw notFound();
    return { status: 200, body: describeGlobal(org) };
  }
  const schema = schemaOf(org, parts[0]!);
  const type = schema.name;
  if (parts.length === 1) {
    if (method === 'GET') return { status: 200, body: objectInfo(org, schema, []) };
    if (method === 'POST') return created(org, type, createRecord(org, ctx(), type, recordBody(req.body)));
    throw notFound();
  }
  const second = parts[1]!;
  if (parts.length === 2 && second === 'describe') {
    if (method !== 'GET') throw notFound();
    return { status: 200, body: describeObject(org, schema) };
  }
  if (parts.length === 2) {
    if (!ID_LIKE.test(second) && method === 'GET') {
      throw new SfError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${second}`,
      );
    }
    switch (method) {
      case 'GET':
        return {
          status: 200,
          body: readRecord(org, schema, existing(org, schema, second), req.query.get('fields')),
        };
      case 'PATCH':
        updateRecord(org, ctx(), type, second, recordBody(req.body));
        return { status: 204 };
      case 'DELETE':
        deleteRecord(org, type, second);
        return { status: 204 };
      default:
        throw notFound();
    }
  }
  if (parts.length === 3 && method === 'GET' && schema.field(parts[2]!)?.type === 'base64') {
    const record = existing(org, schema, second);
    const data = Buffer.from(String(record[schema.field(parts[2]!)!.name] ?? ''), 'base64');
    return { status: 200, raw: { data, contentType: 'application/octet-stream' } };
  }
  if (parts.length === 3) return externalIdRoute(org, req, schema, second, decodeURIComponent(parts[2]!));
  throw notFound();
}

function externalIdRoute(
  org: Org,
  req: ApiRequest,
  schema: ObjectSchema,
  field: string,
  value: string,
): ApiResponse {
  const type = schema.name;
  if (req.method === 'PATCH') {
    const updateOnly = req.query.get('updateOnly') === 'true';
    const outcome = upsertRecord(
      org,
      writeContext(req.userId, req.headers),
      type,
      field,
      value,
      recordBody(req.body),
      updateOnly,
    );
    if (outcome.kind === 'multiple') {
      return {
        status: 300,
        body: outcome.ids.map((id) => `/services/data/v${org.apiVersion}/sobjects/${type}/${id}`),
      };
    }
    if (outcome.created) return created(org, type, outcome.id, { created: true });
    return { status: 200, body: { id: outcome.id, success: true, errors: [], created: false } };
  }
  const def = schema.field(field);
  if (!def || (!def.externalId && def.name !== 'Id')) {
    throw new SfError(
      404,
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${field}`,
    );
  }
  const matches = org.store
    .all(type)
    .filter((r) => !r.IsDeleted && String(r[def.name] ?? '').toLowerCase() === value.toLowerCase());
  if (matches.length > 1) {
    return {
      status: 300,
      body: matches.map((m) => `/services/data/v${org.apiVersion}/sobjects/${type}/${m.Id}`),
    };
  }
  const match = matches[0];
  if (!match) throw notFound();
  if (req.method === 'GET')
    return { status: 200, body: readRecord(org, schema, match, req.query.get('fields')) };
  if (req.method === 'DELETE') {
    deleteRecord(org, type, String(match.Id));
    return { status: 204 };
  }
  throw notFound();
}
