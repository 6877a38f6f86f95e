// Stage 1, load: YAML text -> a document that keeps source positions. Duplicate keys are errors.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { type Diagnostic, type DiagnosticCode, formatPath, type PathSegment } from './diagnostics.ts';

export interface LoadedDocument {
  file: string;
  text: string;
  /** The parsed YAML; `value` is its plain JSON form (undefined when the YAML is broken). */
  doc: ReturnType<typeof parseDocument>;
  value: unknown;
  lineCounter: LineCounter;
}

export function loadYaml(text: string, file: string): { loaded: LoadedDocument; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  // uniqueKeys off: we report duplicates ourselves, with the path of the repeated key.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  const loaded: LoadedDocument = { file, text, doc, value: undefined, lineCounter };
  // Only the first syntax error: the parser's later ones are mostly consequences of it.
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    diagnostics.push(diag(file, line, col, '(root)', 'yaml-syntax', firstLine(syntax.message)));
  }
  if (diagnostics.length === 0) diagnostics.push(...duplicateKeys(loaded));
  if (diagnostics.length === 0) {
    try {
      // maxAliasCount guards against alias bombs ("billion laughs").
      loaded.value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      diagnostics.push(diag(file, 1, 1, '(root)', 'yaml-syntax', firstLine((e as Error).message)));
    }
  }
  return { loaded, diagnostics };
}

function duplicateKeys(loaded: LoadedDocument): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(loaded.doc, {
    Map(_key, map, ancestry) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const path = [...pathOf(ancestry as readonly unknown[], map), key];
        const { line, col } = position(loaded, pair.key as Node | null);
        out.push(diag(loaded.file, line, col, formatPath(path), 'duplicate-key', `duplicate key "${key}"`));
      }
    },
  });
  return out;
}

/** The mapping path of `node`, from the visitor's ancestry. */
function pathOf(ancestry: readonly unknown[], node: unknown): PathSegment[] {
  const chain = [...ancestry, node];
  const path: PathSegment[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isSeq(parent)) path.push(parent.items.indexOf(child));
    else if (isMap(parent)) {
      // Pairs appear in the ancestry: the key is read from the pair below the map.
      const pair = child as { key?: unknown };
      if (pair && typeof pair === 'object' && 'key' in pair)
        path.push(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
    }
  }
  return path;
}

/** 1-based line and column of a node (start of the document when unknown). */
export function position(
  loaded: LoadedDocument,
  node: Node | null | undefined,
): { line: number; col: number } {
  const offset = node?.range?.[0] ?? 0;
  return loaded.lineCounter.linePos(offset);
}

/** The YAML node at a mapping path, and the key node when the last segment is a map key. */
export function nodeAt(loaded: LoadedDocument, path: readonly PathSegment[]): { node?: Node; key?: Node } {
  let node: unknown = loaded.doc.contents;
  let key: Node | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(seg));
      if (!pair) return { node: node as Node };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      key = undefined;
      node = node.items[seg];
    } else return { node: node as Node | undefined };
  }
  return { node: (node ?? undefined) as Node | undefined, key };
}

type YamlMap = Parameters<typeof isMap>[0] & { items: Array<{ key: unknown; value: unknown }> };
/** Each map's pairs by key, built once: a mapping with 25,000 unknown keys costs one pass, not 25,000 searches. */
const pairIndex = new WeakMap<object, Map<string, { key: unknown; value: unknown }>>();
function pairsByKey(map: YamlMap): Map<string, { key: unknown; value: unknown }> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!index.has(name)) index.set(name, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}

export function diag(
  file: string,
  line: number,
  column: number,
  path: string,
  code: DiagnosticCode,
  message: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  return { file, line, column, path, code, message, severity };
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();
