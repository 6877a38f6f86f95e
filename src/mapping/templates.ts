// Liquid templates for subjects, descriptions and file names. Liquid is safe by construction (no code
// execution); on top of that: no file system (include/render/layout are refused), only own properties,
// unknown filters are parse errors, and parse/render/memory limits bound hostile input.
import { Liquid, type Template } from 'liquidjs';

const engine = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  templates: {},
  timezoneOffset: 0,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
});

const FORBIDDEN_TAG = /\{%-?\s*(include|render|layout)\b/;

export interface TemplateProblem {
  message: string;
  /** 1-based, within the template text. */
  line: number;
  column: number;
}

export type ParsedTemplate = { ok: true; template: Template[] } | { ok: false; problem: TemplateProblem };

export function parseTemplate(text: string): ParsedTemplate {
  const forbidden = FORBIDDEN_TAG.exec(text);
  if (forbidden) {
    const before = text.slice(0, forbidden.index).split('\n');
    return {
      ok: false,
      problem: {
        message: `tag "${forbidden[1]}" is not allowed in mapping templates`,
        line: before.length,
        column: before.at(-1)!.length + 1,
      },
    };
  }
  try {
    return { ok: true, template: engine.parse(text) };
  } catch (e) {
    const err = e as Error & { token?: { getPosition?: () => [number, number] } };
    const [line, column] = err.token?.getPosition?.() ?? [1, 1];
    const message = String(err.message).replace(/, line:\d+, col:\d+$/, '');
    return { ok: false, problem: { message, line, column } };
  }
}

/** The global variable paths a template reads, e.g. [['visitor', 'name'], ['channel']]. */
export function templateVariables(template: Template[]): Array<Array<string | number>> {
  return engine
    .globalVariableSegmentsSync(template)
    .map((segments) => segments.filter((s): s is string | number => typeof s !== 'object'));
}

export function renderTemplate(template: Template[], context: object): string {
  return String(engine.renderSync(template, context) ?? '');
}
