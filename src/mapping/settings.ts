// The settings screens as a view of the mapping: read them from a mapping's YAML, and write a change back into the
// YAML with the `yaml` Document API, so comments, key order and every key the screens do not show survive.
// Pure: text in, text out; the default mappings are passed in as text.
import { type Document, isMap, isNode, isScalar, isSeq, type Node, parse, parseDocument, visit } from 'yaml';
import type { IdentifiedObject, Setup } from './compile.ts';
import type { Section } from './event.ts';
import type { Condition, Policy } from './generated/mapping.ts';

export type Mode = 'automatic' | 'manual';
export type OnMultiple = 'mostRecentlyModified' | 'oldest' | 'none';

export interface IdentificationRule {
  name: string;
  all: Condition[];
}

export interface ObjectIdentification {
  object: IdentifiedObject;
  /** Tried in order; the first that finds a record wins. */
  rules: IdentificationRule[];
  onMultiple: OnMultiple;
}

export interface DisplayFields {
  section: Section;
  object: IdentifiedObject;
  fields: string[];
}

/** What the "Configure Salesforce in CloudCX" screens show. */
export interface MappingSettings {
  mode: Mode;
  /** What each section records: sales = Lead + Task, support = Contact + Case, none = nothing. */
  sections: Record<Section, Setup>;
  /** "When a matching contact is found": never, overwrite or fillBlanks (only add new information). */
  overwrite: Policy;
  identification: ObjectIdentification[];
  display: DisplayFields[];
}

/** A change from the screens; what is absent stays as it is. */
export interface SettingsPatch {
  mode?: Mode;
  sections?: Partial<Record<Section, Setup>>;
  overwrite?: Policy;
  /** Replaces the rules of each listed object; an empty list of rules removes the object's identification. */
  identification?: Array<{ object: IdentifiedObject; rules: IdentificationRule[]; onMultiple?: OnMultiple }>;
  /** Replaces the fields shown of each listed object; an empty list removes the object from that section. */
  display?: DisplayFields[];
}

/** The default mappings' text, where a section switched to another setup takes what it is missing from. */
export type SetupDefaults = Record<Exclude<Setup, 'none'>, string>;

export const SECTIONS: readonly Section[] = ['webChat', 'inbox'];
export const IDENTIFIED_OBJECTS: readonly IdentifiedObject[] = ['Account', 'Contact', 'Lead'];

/** The settings a mapping expresses. The text must be a valid mapping (the active one always is). */
export function readSettings(text: string): MappingSettings {
  // biome-ignore lint/suspicious/noExplicitAny: a valid mapping, read field by field with defaults.
  const doc: any = parse(text) ?? {};
  const identification: ObjectIdentification[] = [];
  for (const object of IDENTIFIED_OBJECTS) {
    const ident = doc.identification?.[object];
    if (!ident) continue;
    identification.push({
      object,
      rules: (ident.rules ?? []).map((r: IdentificationRule) => ({ name: r.name, all: r.all })),
      onMultiple: ident.onMultiple ?? 'mostRecentlyModified',
    });
  }
  const display: DisplayFields[] = [];
  for (const section of SECTIONS)
    for (const object of IDENTIFIED_OBJECTS) {
      const fields = doc.display?.[section]?.[object];
      if (Array.isArray(fields)) display.push({ section, object, fields });
    }
  return {
    mode: doc.mode ?? 'automatic',
    sections: {
      webChat: doc.sections?.webChat?.record ?? 'none',
      inbox: doc.sections?.inbox?.record ?? 'none',
    },
    overwrite: doc.overwrite?.default ?? 'fillBlanks',
    identification,
    display,
  };
}

export interface AppliedSettings {
  text: string;
  /** One line per change made to the YAML, e.g. `sections.webChat.record: sales -> support`. */
  changes: string[];
}

/**
 * Writes the patch into the mapping's YAML. A section switched to sales or support gets its triggers, and the field
 * maps and identification rules of its objects when the mapping has none, from the default mapping of that setup:
 * otherwise choosing "Contact + Case" on a sales mapping would publish a mapping that cannot create a Contact.
 */
export function applySettings(text: string, patch: SettingsPatch, defaults: SetupDefaults): AppliedSettings {
  const doc = parseDocument(text);
  const changes: string[] = [];
  const set = (path: string[], value: unknown, flow = false) => {
    const before = plain(doc.getIn(path));
    if (JSON.stringify(before) === JSON.stringify(value)) return;
    if (isScalarValue(value) || !flow) doc.setIn(path, value);
    else doc.setIn(path, flowNode(doc, value));
    changes.push(`${path.join('.')}: ${describe(before)} -> ${describe(value)}`);
  };
  const remove = (path: string[]) => {
    if (!doc.hasIn(path)) return;
    doc.deleteIn(path);
    changes.push(`${path.join('.')}: removed`);
    // No empty map is left behind (`inbox: {}`).
    for (let up = path.slice(0, -1); up.length > 0; up = up.slice(0, -1)) {
      const parent = doc.getIn(up, true);
      if (!isMap(parent) || parent.items.length > 0) break;
      doc.deleteIn(up);
    }
  };

  if (patch.mode) set(['mode'], patch.mode);
  for (const section of SECTIONS) {
    const setup = patch.sections?.[section];
    if (!setup) continue;
    const before = doc.getIn(['sections', section, 'record']);
    set(['sections', section, 'record'], setup);
    if (setup === 'none') {
      // The checks refuse triggers on a section that records nothing.
      remove(['sections', section, 'recordOn']);
      remove(['sections', section, 'contentOn']);
    } else if (before !== setup) {
      fillFromDefault(doc, parseDocument(defaults[setup]), section, setup, changes);
    }
  }
  if (patch.overwrite) set(['overwrite', 'default'], patch.overwrite);
  for (const { object, rules, onMultiple } of patch.identification ?? []) {
    if (rules.length === 0) {
      remove(['identification', object]);
      continue;
    }
    const node = doc.createNode(rules.map(cleanRule));
    // Conditions on one line each, as the default mappings write them.
    visit(node, {
      Map(_key, map, path) {
        if (isSeq(path[path.length - 1]) && map.has('field')) map.flow = true;
      },
    });
    const current = plain(doc.getIn(['identification', object, 'rules']));
    if (JSON.stringify(current) !== JSON.stringify(node.toJSON())) {
      doc.setIn(['identification', object, 'rules'], node);
      changes.push(`identification.${object}.rules: ${rules.map((r) => r.name).join(', ')}`);
    }
    if (onMultiple) set(['identification', object, 'onMultiple'], onMultiple);
  }
  for (const { section, object, fields } of patch.display ?? []) {
    if (fields.length === 0) remove(['display', section, object]);
    else set(['display', section, object], fields, true);
  }
  return {
    text: changes.length > 0 ? keepUnchangedBlocks(text, doc.toString({ lineWidth: 0 })) : text,
    changes,
  };
}

function fillFromDefault(
  doc: Document,
  source: Document,
  section: Section,
  setup: 'sales' | 'support',
  changes: string[],
) {
  const objects = setup === 'sales' ? (['Lead', 'Task'] as const) : (['Contact', 'Case'] as const);
  const identified = setup === 'sales' ? ['Lead'] : ['Account', 'Contact'];
  const paths = [
    ['sections', section, 'recordOn'],
    ['sections', section, 'contentOn'],
    ...objects.map((o) => ['objects', o]),
    ...identified.map((o) => ['identification', o]),
    ...identified.map((o) => ['display', section, o]),
  ];
  for (const path of paths) {
    if (doc.hasIn(path) || !source.hasIn(path)) continue;
    doc.setIn(path, (source.getIn(path, true) as Node).clone());
    changes.push(`${path.join('.')}: added from the default ${setup} mapping`);
  }
  const activity = objects[1];
  const attachTo = doc.getIn(['attachments', 'attachTo'], true);
  if (isSeq(attachTo) && !attachTo.items.some((item) => isScalar(item) && item.value === activity)) {
    attachTo.add(doc.createNode(activity));
    changes.push(`attachments.attachTo: added ${activity}`);
  }
}

/**
 * The stringifier re-styles what it prints (`[a]` becomes `[ a ]`): blocks whose value did not change keep their
 * original text, key by key down the block maps, so a settings change touches only the lines of what changed.
 */
function keepUnchangedBlocks(before: string, after: string): string {
  return merge(before, after, parse(before), parse(after), 0, true);
}

function merge(
  before: string,
  after: string,
  oldValue: unknown,
  newValue: unknown,
  indent: number,
  top: boolean,
): string {
  const old = blocksAt(before, indent);
  const next = blocksAt(after, indent);
  if (!old || !next || !isPlainMap(oldValue) || !isPlainMap(newValue)) return after;
  const oldBlocks = new Map(old.blocks.map((b) => [b.key, b.text]));
  // The document's header comments, or the block's own key line.
  const samePreamble = top || firstLine(old.preamble) === firstLine(next.preamble);
  const out = [samePreamble ? old.preamble : next.preamble];
  for (const { key, text } of next.blocks) {
    const kept = oldBlocks.get(key);
    const [was, is] = [oldValue[key], newValue[key]];
    if (kept === undefined) out.push(text);
    else if (JSON.stringify(was) === JSON.stringify(is)) out.push(sameTrailingBlankLines(kept, text));
    else {
      const childIndent = childIndentOf(text);
      const nested = childIndent !== undefined && childIndent === childIndentOf(kept) && childIndent > indent;
      out.push(nested ? merge(kept, text, was, is, childIndent, false) : text);
    }
  }
  return out.join('');
}

/** Splits a block map at the keys indented by `indent`; undefined when the text is not one (flow style, a list). */
function blocksAt(
  text: string,
  indent: number,
): { preamble: string; blocks: Array<{ key: string; text: string }> } | undefined {
  const pad = ' '.repeat(indent);
  const keyLine = new RegExp(`^${pad}([A-Za-z_$][\\w$-]*)\\s*:(\\s|$)`);
  let preamble = '';
  const blocks: Array<{ key: string; text: string }> = [];
  for (const line of text.split(/(?<=\n)/)) {
    const atIndent = line.startsWith(pad) && line.length > indent && !/[\s#]/.test(line[indent]!);
    // Below the top level, the first line is the parent's own key line.
    if (atIndent && !(indent > 0 && preamble === '' && blocks.length === 0)) {
      const key = keyLine.exec(line)?.[1];
      if (!key) return undefined;
      blocks.push({ key, text: line });
    } else if (blocks.length === 0) preamble += line;
    else blocks[blocks.length - 1]!.text += line;
  }
  return { preamble, blocks };
}

/** The indentation of a block's first child line, when its key line opens a block (`key:` and nothing else). */
function childIndentOf(block: string): number | undefined {
  const [head, ...rest] = block.split('\n');
  if (!/:\s*(#.*)?$/.test(head ?? '')) return undefined;
  const child = rest.find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return child === undefined ? undefined : child.length - child.trimStart().length;
}

/** Blank lines separate blocks as in the new text, where blocks may have been added after this one. */
function sameTrailingBlankLines(kept: string, layout: string): string {
  const trailing = (text: string) => /\n(\s*\n)*$/.exec(text)?.[0] ?? '';
  return kept.slice(0, kept.length - trailing(kept).length) + trailing(layout);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function cleanRule(rule: IdentificationRule): IdentificationRule {
  return {
    name: rule.name,
    all: rule.all.map((c) => ({
      field: c.field,
      source: c.source,
      ...(c.normalize && c.normalize !== 'exact' ? { normalize: c.normalize } : {}),
      ...(c.countryCode ? { countryCode: c.countryCode } : {}),
    })) as IdentificationRule['all'],
  };
}

function flowNode(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  if (isSeq(node) || isMap(node)) node.flow = true;
  return node;
}

function isScalarValue(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** A node's plain value; getIn answers collections as nodes. */
function plain(value: unknown): unknown {
  return isNode(value) ? value.toJSON() : value;
}

function describe(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
