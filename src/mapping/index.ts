// The mapping's public API: YAML text in, diagnostics or a compiled mapping out; then lookups and plans.
//
//   load (YAML + positions) -> validate (JSON Schema) -> semantic checks -> compile -> lookupsFor / planEvent
//
// Each stage reports every problem it finds; the next runs only when there is no error.
import { standardCatalog } from './catalog/standard.ts';
import type { FieldCatalog } from './catalog/types.ts';
import { type CompiledMapping, compile, contentHash } from './compile.ts';
import { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.ts';
import { loadYaml } from './load.ts';
import { semanticChecks } from './semantic-checks.ts';
import { validateMapping } from './validate.ts';

export * from './catalog/index.ts';
export type {
  CompiledField,
  CompiledMapping,
  CompiledRule,
  IdentifiedObject,
  ObjectName,
  Policy,
  Setup,
} from './compile.ts';
export {
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type DiagnosticCode,
  formatDiagnostic,
  hasErrors,
  sortDiagnostics,
} from './diagnostics.ts';
export { CX_EVENT_KINDS, type CxEvent, type CxEventKind, type Section, sectionOf } from './event.ts';
export type { CloudCXSalesforceMapping } from './generated/mapping.ts';
export { type LookupRequest, type LookupResults, lookupsFor } from './lookups.ts';
export type { Ambiguity, DmlPlan, FieldValue, ManualAction, MatchCandidate, PlanStep } from './plan.ts';
export { planEvent } from './planner.ts';
export type { ReadCondition, ReadValue, SalesforceRead } from './read.ts';
export { soqlLike, soqlString } from './soql.ts';
export { mappingSchema } from './validate.ts';

export interface LoadResult {
  mapping?: CompiledMapping;
  diagnostics: Diagnostic[];
}

// Compiled results per catalog, by file and content hash: a tenant's mapping compiles once per process.
const MAX_CACHED = 200;
const cache = new WeakMap<FieldCatalog, Map<string, LoadResult>>();

/** Loads, checks and compiles one mapping. Never throws on bad input: problems come back as diagnostics. */
export function loadMapping(text: string, file: string, catalog: FieldCatalog = standardCatalog): LoadResult {
  const byKey = cache.get(catalog) ?? new Map<string, LoadResult>();
  cache.set(catalog, byKey);
  const key = `${file}\u0000${contentHash(text)}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const result = Object.freeze(runStages(text, file, catalog));
  if (byKey.size >= MAX_CACHED) byKey.delete(byKey.keys().next().value as string);
  byKey.set(key, result);
  return result;
}

function runStages(text: string, file: string, catalog: FieldCatalog): LoadResult {
  const { loaded, diagnostics: loadProblems } = loadYaml(text, file);
  if (hasErrors(loadProblems)) return { diagnostics: sortDiagnostics(loadProblems) };
  const { mapping: doc, diagnostics: schemaProblems } = validateMapping(loaded);
  if (!doc) return { diagnostics: sortDiagnostics([...loadProblems, ...schemaProblems]) };
  const semantic = semanticChecks(loaded, doc, catalog);
  const diagnostics = sortDiagnostics([...loadProblems, ...semantic]);
  if (hasErrors(diagnostics)) return { diagnostics };
  return { mapping: compile(doc, text, file, catalog), diagnostics };
}
