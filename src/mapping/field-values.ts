// Evaluates a compiled field map against an event: sources, templates, transforms, defaults, types, lengths.

import { LENGTH_LIMITED } from './catalog/types.ts';
import type { CompiledField } from './compile.ts';
import { applyTransform } from './normalize.ts';
import type { FieldValue } from './plan.ts';
import { readSource, type SourceContext } from './sources.ts';
import { renderTemplate } from './templates.ts';

export type Evaluated =
  | {
      kind: 'value';
      value: Exclude<FieldValue, { ref: string }>;
      fromDefault: boolean;
      truncatedFrom?: number;
    }
  /** onOverflow: attach — the field gets `value`, the full text goes to a file. */
  | { kind: 'attach'; value: string; full: string }
  | { kind: 'skip'; reason: string };

export function evaluateField(f: CompiledField, context: SourceContext, marker: () => string): Evaluated {
  let raw: unknown;
  if (f.value !== undefined) raw = f.value;
  else if (f.template) {
    try {
      raw = renderTemplate(f.template.parsed, context).trim();
    } catch (e) {
      return { kind: 'skip', reason: `template failed: ${(e as Error).message.split('\n')[0]}` };
    }
  } else raw = f.sources.map((s) => readSource(context, s)).find((v) => !isBlank(v));
  let fromDefault = false;
  if (typeof raw === 'string') for (const t of f.transform) raw = applyTransform(raw as string, t);
  if (isBlank(raw)) {
    if (f.default === undefined) return { kind: 'skip', reason: 'no value in the event' };
    raw = f.default;
    fromDefault = true;
  }
  if (typeof raw === 'object') return { kind: 'skip', reason: 'the source is not a single value' };
  const typed = coerce(raw as string | number | boolean, f);
  if (typed.kind !== 'value' || typeof typed.value !== 'string')
    return { ...typed, fromDefault } as Evaluated;
  const text = typed.value;
  const max = f.meta.length;
  if (max === undefined || !LENGTH_LIMITED.has(f.meta.type) || text.length <= max)
    return { kind: 'value', value: text, fromDefault };
  switch (f.onOverflow) {
    case 'truncate':
      return { kind: 'value', value: cut(text, max), fromDefault, truncatedFrom: text.length };
    case 'attach': {
      const line = `\n${marker()}`;
      return {
        kind: 'attach',
        value: cut(text, Math.max(0, max - line.length)) + line.slice(0, max),
        full: text,
      };
    }
    case 'skip':
    case undefined:
      return { kind: 'skip', reason: `${text.length} characters; the field holds ${max}` };
    default: {
      const never: never = f.onOverflow;
      return never;
    }
  }
}

function coerce(raw: string | number | boolean, f: CompiledField): Evaluated {
  switch (f.meta.type) {
    case 'boolean': {
      const v = String(raw).trim().toLowerCase();
      if (v === 'true' || v === 'false') return { kind: 'value', value: v === 'true', fromDefault: false };
      return { kind: 'skip', reason: `"${String(raw)}" is not true or false` };
    }
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (Number.isFinite(n)) return { kind: 'value', value: n, fromDefault: false };
      return { kind: 'skip', reason: `"${String(raw)}" is not a number` };
    }
    case 'date': {
      const v = String(raw).trim();
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return { kind: 'value', value: v, fromDefault: false };
      return { kind: 'skip', reason: `"${v}" is not a date (YYYY-MM-DD)` };
    }
    default:
      return { kind: 'value', value: String(raw), fromDefault: false };
  }
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  let out = text.slice(0, max);
  const last = out.charCodeAt(out.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, -1);
  return out;
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A file name safe on every OS, ending in .txt, at most 255 characters. */
export function safeFileName(name: string, fallback: string, ext = '.txt'): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in file names.
  let base = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || fallback;
  if (ext && !base.toLowerCase().endsWith(ext)) base += ext;
  return base.length > 255 ? base.slice(0, 255 - ext.length) + ext : base;
}

/** UTF-8 text as base64. */
export const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
