// Stage 4, compile: a checked mapping -> a typed, frozen CompiledMapping with parsed templates.
import { createHash } from 'node:crypto';
import type { Template } from 'liquidjs';
import type { CatalogField, FieldCatalog } from './catalog/types.ts';
import type { Section } from './event.ts';
import type {
  CloudCXSalesforceMapping,
  Condition,
  FieldSpec,
  ObjectName,
  Policy,
} from './generated/mapping.ts';
import type { Normalizer, Transform } from './normalize.ts';
import { parseTemplate } from './templates.ts';

export type { ObjectName, Policy };
export type IdentifiedObject = 'Account' | 'Contact' | 'Lead';
export type Setup = 'sales' | 'support' | 'none';

export interface CompiledTemplate {
  readonly text: string;
  /** liquidjs's parsed form; not frozen (liquidjs owns it). */
  readonly parsed: Template[];
}

export interface CompiledField {
  readonly object: ObjectName;
  readonly field: string;
  readonly sources: readonly string[];
  readonly template?: CompiledTemplate;
  readonly value?: string | number | boolean;
  readonly default?: string | number | boolean;
  readonly transform: readonly Transform[];
  readonly onOverflow?: 'truncate' | 'skip' | 'attach';
  readonly meta: CatalogField;
}

export interface CompiledCondition {
  readonly field: string;
  readonly source: string;
  readonly normalize: Normalizer;
  readonly countryCode?: string;
}

export interface CompiledRule {
  readonly name: string;
  readonly all: readonly CompiledCondition[];
}

export interface CompiledIdentification {
  readonly object: IdentifiedObject;
  readonly rules: readonly CompiledRule[];
  readonly onMultiple: 'mostRecentlyModified' | 'oldest' | 'none';
}

export interface CompiledSection {
  readonly record: Setup;
  readonly recordOn: readonly string[];
  readonly contentOn: readonly string[];
}

export interface CompiledMapping {
  /** Content hash of the mapping text: which mapping produced a plan. */
  readonly version: string;
  readonly file: string;
  readonly name?: string;
  readonly mode: 'automatic' | 'manual';
  readonly sections: Readonly<Record<Section, CompiledSection>>;
  readonly identification: Readonly<Partial<Record<IdentifiedObject, CompiledIdentification>>>;
  readonly objects: Readonly<Record<ObjectName, readonly CompiledField[]>>;
  readonly overwrite: {
    readonly default: Policy;
    readonly fields: Readonly<Partial<Record<IdentifiedObject, Readonly<Record<string, Policy>>>>>;
  };
  readonly owner: {
    readonly rule: 'agentEmailThenConnectingUser' | 'connectingUser';
    readonly appliesTo: readonly ObjectName[];
  };
  readonly attachments: {
    readonly attachTo: readonly ('Case' | 'Task')[];
    readonly marker: CompiledTemplate;
    readonly fileName: CompiledTemplate;
  };
  readonly display: Readonly<Record<Section, Readonly<Partial<Record<IdentifiedObject, readonly string[]>>>>>;
  /** The catalog the mapping was checked against (not frozen: the caller owns it). */
  readonly catalog: FieldCatalog;
}

export const DEFAULT_MARKER = '[Transcript truncated: the full transcript is attached as {{ file }}]';
export const DEFAULT_FILE_NAME = '{{ chat.id }}-transcript.txt';
const OBJECTS: readonly ObjectName[] = ['Lead', 'Contact', 'Account', 'Case', 'Task'];

export function contentHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** Compiles a mapping that passed validation and the semantic checks (so templates parse, fields exist). */
export function compile(
  doc: CloudCXSalesforceMapping,
  text: string,
  file: string,
  catalog: FieldCatalog,
): CompiledMapping {
  const section = (
    s: { record: Setup; recordOn?: string[]; contentOn?: string[] } | undefined,
  ): CompiledSection => ({
    record: s?.record ?? 'none',
    recordOn: s?.recordOn ?? [],
    contentOn: s?.contentOn ?? [],
  });
  const identification: Partial<Record<IdentifiedObject, CompiledIdentification>> = {};
  for (const object of ['Account', 'Contact', 'Lead'] as const) {
    const ident = doc.identification?.[object];
    if (!ident) continue;
    identification[object] = {
      object,
      rules: ident.rules.map((r) => ({ name: r.name, all: r.all.map(condition) })),
      onMultiple: ident.onMultiple ?? 'mostRecentlyModified',
    };
  }
  const objects = {} as Record<ObjectName, CompiledField[]>;
  for (const object of OBJECTS) {
    objects[object] = Object.entries(doc.objects[object] ?? {}).map(([field, spec]) =>
      compileField(object, field, spec, catalog),
    );
  }
  const compiled: CompiledMapping = {
    version: contentHash(text),
    file,
    ...(doc.name ? { name: doc.name } : {}),
    mode: doc.mode,
    sections: { webChat: section(doc.sections.webChat), inbox: section(doc.sections.inbox) },
    identification,
    objects,
    overwrite: { default: doc.overwrite?.default ?? 'never', fields: { ...(doc.overwrite?.fields ?? {}) } },
    owner: {
      rule: doc.owner?.rule ?? 'agentEmailThenConnectingUser',
      appliesTo: doc.owner?.appliesTo ?? ['Lead', 'Contact', 'Case', 'Task'],
    },
    attachments: {
      attachTo: doc.attachments?.attachTo ?? [],
      marker: template(doc.attachments?.transcript?.marker ?? DEFAULT_MARKER),
      fileName: template(doc.attachments?.transcript?.fileName ?? DEFAULT_FILE_NAME),
    },
    display: { webChat: { ...(doc.display?.webChat ?? {}) }, inbox: { ...(doc.display?.inbox ?? {}) } },
    catalog,
  };
  return deepFreeze(compiled);
}

function condition(c: Condition): CompiledCondition {
  return {
    field: c.field,
    source: c.source,
    normalize: c.normalize ?? 'exact',
    ...(c.countryCode ? { countryCode: c.countryCode } : {}),
  };
}

function compileField(
  object: ObjectName,
  field: string,
  spec: FieldSpec,
  catalog: FieldCatalog,
): CompiledField {
  const sources = spec.source === undefined ? [] : Array.isArray(spec.source) ? spec.source : [spec.source];
  return {
    object,
    field,
    sources,
    ...(spec.template !== undefined ? { template: template(spec.template) } : {}),
    ...(spec.value !== undefined ? { value: spec.value } : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    transform: spec.transform ?? [],
    ...(spec.onOverflow ? { onOverflow: spec.onOverflow } : {}),
    meta: catalog.objects[object]!.fields[field]!,
  };
}

function template(text: string): CompiledTemplate {
  const parsed = parseTemplate(text);
  if (!parsed.ok) throw new Error(`compile() needs checked templates: ${parsed.problem.message}`);
  return { text, parsed: parsed.template };
}

const OPAQUE = new Set(['parsed', 'catalog', 'meta']);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const [k, v] of Object.entries(value)) if (!OPAQUE.has(k)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
