// Runs a parsed query: check names, filter, sort, page by LIMIT/OFFSET, and shape rows as the REST API does.
import { SfError } from '../errors.ts';
import type { Org } from '../org.ts';
import type { SObject } from '../store.ts';
import { isText } from '../validate.ts';
import type { Condition, SoqlQuery } from './ast.ts';
import { follow, type ResolvedPath, resolvePath, valueAt } from './fields.ts';
import { compileCondition } from './filter.ts';
import { queryError } from './lexer.ts';
import { parseSoql } from './parser.ts';

export const MAX_SOQL_LENGTH = 100_000;
export const MAX_OFFSET = 2_000;

export interface QueryRows {
  totalSize: number;
  records: SObject[];
}

const CDL_FILTER_FIELDS = ['id', 'contentdocumentid', 'linkedentityid'];

/** ContentDocumentLink queries must filter by Id, ContentDocumentId or LinkedEntityId with = or IN. */
function hasLinkFilter(cond: Condition | undefined): boolean {
  if (!cond) return false;
  if (cond.kind === 'and') return cond.items.some(hasLinkFilter);
  if (cond.kind === 'compare')
    return cond.op === '=' && CDL_FILTER_FIELDS.includes(cond.field.path.toLowerCase());
  if (cond.kind === 'in') return !cond.negated && CDL_FILTER_FIELDS.includes(cond.field.path.toLowerCase());
  return false;
}

function sortKey(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function project(org: Org, type: string, record: SObject, paths: ResolvedPath[]): SObject {
  const base = `/services/data/v${org.apiVersion}/sobjects`;
  const row: SObject = { attributes: { type, url: `${base}/${type}/${record.Id}` } };
  for (const path of paths) {
    let target = row;
    let ok = true;
    for (const [i, hop] of path.hops.entries()) {
      const name = path.names[i]!;
      const reached = follow(org, record, path.hops.slice(0, i + 1));
      if (!reached) {
        if (!(name in target)) target[name] = null;
        ok = false;
        break;
      }
      if (!target[name]) {
        // Polymorphic parents (Lead.Owner, Task.Who) come back typed as the Name object.
        const attrType = hop.polymorphic ? 'Name' : reached.type;
        target[name] = {
          attributes: { type: attrType, url: `${base}/${reached.type}/${reached.record.Id}` },
        };
      }
      target = target[name] as SObject;
    }
    if (ok) target[path.names.at(-1)!] = valueAt(org, record, path);
  }
  return row;
}

export function runQuery(org: Org, soql: string, includeDeleted: boolean): QueryRows {
  if (soql.length > MAX_SOQL_LENGTH) {
    throw new SfError(
      400,
      'MALFORMED_QUERY',
      `SOQL statements cannot be longer than ${MAX_SOQL_LENGTH} characters`,
    );
  }
  const query: SoqlQuery = parseSoql(soql);
  const schema = org.schemas.get(org.store.settings, query.object);
  if (!schema) {
    throw queryError(
      'INVALID_TYPE',
      soql,
      query.objectPos,
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  const paths = query.fields.map((f) => resolvePath(org, soql, schema, f));
  const predicate = query.where ? compileCondition(org, soql, schema, query.where) : () => true;
  if (schema.name === 'ContentDocumentLink' && !hasLinkFilter(query.where)) {
    throw new SfError(
      400,
      'MALFORMED_QUERY',
      "Implementation restriction: ContentDocumentLink requires a filter by a single Id on ContentDocumentId or LinkedEntityId using the equals operator or multiple Id's using the IN operator.",
    );
  }
  const order = query.orderBy.map((o) => {
    const path = resolvePath(org, soql, schema, o.field);
    if (path.field.filterable === false || path.field.type === 'base64') {
      throw queryError(
        'INVALID_FIELD',
        soql,
        o.field.pos,
        `field '${path.field.name}' can not be sorted in a query call`,
      );
    }
    return { ...o, path };
  });
  if (query.offset !== undefined && query.offset > MAX_OFFSET) {
    throw new SfError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
  }

  let rows = org.store.all(schema.name).filter((r) => (includeDeleted || !r.IsDeleted) && predicate(r));
  if (order.length > 0) {
    const keyed = rows.map((r) => ({ r, keys: order.map((o) => valueAt(org, r, o.path)) }));
    keyed.sort((a, b) => {
      for (const [i, o] of order.entries()) {
        const x = a.keys[i] ?? null;
        const y = b.keys[i] ?? null;
        if (x === y) continue;
        if (x === null || y === null) return (x === null) === o.nullsLast ? 1 : -1;
        const [kx, ky] = isText(o.path.field) ? [sortKey(x), sortKey(y)] : [x, y];
        if (kx === ky) continue;
        const less = (kx as number) < (ky as number);
        return (less ? -1 : 1) * (o.descending ? -1 : 1);
      }
      return 0;
    });
    rows = keyed.map((k) => k.r);
  }
  rows = rows.slice(
    query.offset ?? 0,
    query.limit === undefined ? undefined : (query.offset ?? 0) + query.limit,
  );
  if (query.count) return { totalSize: rows.length, records: [] };
  return { totalSize: rows.length, records: rows.map((r) => project(org, schema.name, r, paths)) };
}
