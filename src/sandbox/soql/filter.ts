// WHERE: literals are checked against field types as SOQL does, text compares ignore case.

import { normalizeId } from '../ids.ts';
import type { FieldDef } from '../objects/field-def.ts';
import type { Org } from '../org.ts';
import type { ObjectSchema } from '../schema.ts';
import type { SObject } from '../store.ts';
import { isText } from '../validate.ts';
import type { CompareOp, Condition, Literal } from './ast.ts';
import { resolvePath, valueAt } from './fields.ts';
import { queryError } from './lexer.ts';

type Predicate = (record: SObject) => boolean;
type Range = [number, number];
const DAY = 86_400_000;

function dateLiteralRange(lit: { name: string; n: number }): Range {
  const today = Math.floor(Date.now() / DAY) * DAY;
  switch (lit.name) {
    case 'YESTERDAY':
      return [today - DAY, today];
    case 'TOMORROW':
      return [today + DAY, today + 2 * DAY];
    case 'LAST_N_DAYS':
      return [today - lit.n * DAY, today + DAY];
    case 'NEXT_N_DAYS':
      return [today + DAY, today + (lit.n + 1) * DAY];
    default:
      return [today, today + DAY];
  }
}

const epoch = (v: unknown) => (typeof v === 'string' ? Date.parse(v.replace(/\+0000$/, 'Z')) : Number.NaN);

function typeError(soql: string, lit: Literal, field: FieldDef): never {
  const quoted = isText(field) && field.type !== 'id' && field.type !== 'reference';
  const typeName =
    field.type === 'datetime'
      ? 'dateTime'
      : field.type === 'int' || field.type === 'double'
        ? 'double'
        : field.type;
  throw queryError(
    'INVALID_QUERY_FILTER_OPERATOR',
    soql,
    lit.pos,
    `value of filter criterion for field '${field.name}' must be of type ${quoted ? 'string' : typeName} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
  );
}

/** The comparable form of a literal for this field, or a query error when the types disagree. */
function operand(soql: string, lit: Literal, field: FieldDef): unknown {
  if (lit.kind === 'null') return null;
  switch (field.type) {
    case 'id':
    case 'reference': {
      if (lit.kind !== 'string') typeError(soql, lit, field);
      const id = normalizeId(lit.value);
      if (!id)
        throw queryError('INVALID_QUERY_FILTER_OPERATOR', soql, lit.pos, `invalid ID field: ${lit.value}`);
      return id;
    }
    case 'boolean':
      return lit.kind === 'boolean' ? lit.value : typeError(soql, lit, field);
    case 'int':
    case 'double':
      return lit.kind === 'number' ? lit.value : typeError(soql, lit, field);
    case 'date':
      if (lit.kind === 'date') return [Date.parse(lit.value), Date.parse(lit.value) + DAY] as Range;
      return lit.kind === 'dateLiteral' ? dateLiteralRange(lit) : typeError(soql, lit, field);
    case 'datetime':
      if (lit.kind === 'datetime') return [lit.value, lit.value + 1] as Range;
      return lit.kind === 'dateLiteral' ? dateLiteralRange(lit) : typeError(soql, lit, field);
    default:
      return lit.kind === 'string' ? lit.value.toLowerCase() : typeError(soql, lit, field);
  }
}

function compare(op: CompareOp, value: unknown, target: unknown, field: FieldDef): boolean {
  if (target === null) return op === '=' ? value === null : op === '!=' ? value !== null : false;
  if (value === null || value === undefined) return op === '!=';
  if (Array.isArray(target)) {
    const v = field.type === 'date' ? Date.parse(String(value)) : epoch(value);
    const [start, end] = target as Range;
    const results: Record<string, boolean> = {
      '=': v >= start && v < end,
      '!=': v < start || v >= end,
      '<': v < start,
      '<=': v < end,
      '>': v >= end,
      '>=': v >= start,
    };
    return results[op] ?? false;
  }
  const v =
    typeof value === 'string' && isText(field) && field.type !== 'id' && field.type !== 'reference'
      ? value.toLowerCase()
      : value;
  switch (op) {
    case '=':
      return v === target;
    case '!=':
      return v !== target;
    case '<':
      return (v as number) < (target as number);
    case '<=':
      return (v as number) <= (target as number);
    case '>':
      return (v as number) > (target as number);
    case '>=':
      return (v as number) >= (target as number);
    default:
      return false;
  }
}

export function compileCondition(org: Org, soql: string, schema: ObjectSchema, cond: Condition): Predicate {
  switch (cond.kind) {
    case 'and':
    case 'or': {
      const items = cond.items.map((c) => compileCondition(org, soql, schema, c));
      return cond.kind === 'and' ? (r) => items.every((p) => p(r)) : (r) => items.some((p) => p(r));
    }
    case 'not': {
      const inner = compileCondition(org, soql, schema, cond.item);
      return (r) => !inner(r);
    }
    default:
      break;
  }
  const path = resolvePath(org, soql, schema, cond.field);
  const field = path.field;
  if (field.filterable === false || field.type === 'base64') {
    throw queryError(
      'INVALID_FIELD',
      soql,
      cond.field.pos,
      `field '${field.name}' can not be filtered in a query call`,
    );
  }
  if (cond.kind === 'in') {
    const targets = cond.values.map((v) => operand(soql, v, field));
    const hit = (r: SObject) => {
      const value = valueAt(org, r, path);
      return targets.some((t) => compare('=', value, t, field));
    };
    return cond.negated ? (r) => !hit(r) : hit;
  }
  if (cond.op === 'like') {
    if (cond.value.kind !== 'string' || !isText(field)) {
      throw queryError(
        'INVALID_QUERY_FILTER_OPERATOR',
        soql,
        cond.value.pos,
        'invalid operator on field for LIKE',
      );
    }
    const re = new RegExp(`^${cond.value.pattern}$`, 'i');
    return (r) => {
      const value = valueAt(org, r, path);
      return typeof value === 'string' && re.test(value);
    };
  }
  if (cond.value.kind === 'string' && cond.value.hasLikeEscape) {
    throw queryError(
      'MALFORMED_QUERY',
      soql,
      cond.value.pos,
      `Invalid string literal '${cond.value.value}'. Illegal character sequence in string literal.`,
    );
  }
  const target = operand(soql, cond.value, field);
  const op = cond.op;
  return (r) => compare(op, valueAt(org, r, path), target, field);
}
