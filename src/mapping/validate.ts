// Stage 2, validate: the loaded document against mappings/mapping.schema.json (JSON Schema 2020-12).
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import schema from '../../mappings/mapping.schema.json' with { type: 'json' };
import { type Diagnostic, type DiagnosticCode, formatPath, type PathSegment } from './diagnostics.ts';
import type { CloudCXSalesforceMapping } from './generated/mapping.ts';
import { diag, type LoadedDocument, nodeAt, position } from './load.ts';

export { schema as mappingSchema };

// One validator, compiled once: allErrors so a run shows every problem, strict so the schema itself stays honest.
// allowUnionTypes: a field's `source` is a path or a list of paths.
let validator: ReturnType<Ajv2020['compile']> | undefined;
function getValidator() {
  validator ??= new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    schema,
  );
  return validator;
}

export function validateMapping(loaded: LoadedDocument): {
  mapping?: CloudCXSalesforceMapping;
  diagnostics: Diagnostic[];
} {
  const validate = getValidator();
  if (validate(loaded.value)) return { mapping: loaded.value as CloudCXSalesforceMapping, diagnostics: [] };
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames' && e.keyword !== 'if');
  return { diagnostics: errors.map((e) => toDiagnostic(loaded, e)) };
}

function toDiagnostic(loaded: LoadedDocument, e: ErrorObject): Diagnostic {
  const base = pointerToPath(e.instancePath);
  const { code, path, message, atKey } = describe(e, base);
  const { node, key } = nodeAt(loaded, path);
  const { line, col } = position(loaded, atKey ? (key ?? node) : (node ?? key));
  return diag(loaded.file, line, col, formatPath(path), code, message);
}

function describe(
  e: ErrorObject,
  base: PathSegment[],
): { code: DiagnosticCode; path: PathSegment[]; message: string; atKey: boolean } {
  const p = e.params as Record<string, unknown>;
  const value = (e as { data?: unknown }).data;
  if (e.propertyName !== undefined) {
    return {
      code: 'invalid-value',
      path: [...base, e.propertyName],
      message: `"${e.propertyName}" is not a Salesforce API name (letters, digits and _, starting with a letter)`,
      atKey: true,
    };
  }
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        code: 'unknown-property',
        path: [...base, String(p.additionalProperty)],
        message: `unknown property "${String(p.additionalProperty)}"`,
        atKey: true,
      };
    case 'required':
      return {
        code: 'missing-property',
        path: base,
        message: `missing required property "${String(p.missingProperty)}"`,
        atKey: true,
      };
    case 'type':
      return {
        code: 'invalid-type',
        path: base,
        message: `must be ${orList(String(p.type).split(','))}`,
        atKey: false,
      };
    case 'enum':
      return {
        code: 'invalid-value',
        path: base,
        message: `${show(value)} is not one of: ${(p.allowedValues as unknown[]).join(', ')}`,
        atKey: false,
      };
    case 'const':
      return { code: 'invalid-value', path: base, message: `must be ${show(p.allowedValue)}`, atKey: false };
    case 'pattern':
      return {
        code: 'invalid-value',
        path: base,
        message: `${show(value)} ${patternHint(String(p.pattern))}`,
        atKey: false,
      };
    default:
      return { code: 'invalid-value', path: base, message: e.message ?? 'is invalid', atKey: false };
  }
}

function patternHint(pattern: string): string {
  if (pattern.startsWith('^(visitor|')) return 'is not a CloudCX field path';
  if (pattern === '^[a-z][a-z0-9-]*$' || pattern === '^[a-z0-9][a-z0-9-]*$')
    return 'must be lower-case letters, digits and "-"';
  if (pattern === '^[A-Za-z][A-Za-z0-9_]*$') return 'is not a Salesforce API name';
  return `must match ${pattern}`;
}

const orList = (xs: string[]) =>
  xs.length > 1 ? `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}` : (xs[0] ?? '');

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
