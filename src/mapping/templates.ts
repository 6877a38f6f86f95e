// Liquid templates for subjects, descriptions and file names. Liquid is safe by construction (no code
// execution); on top of that: no file system (include/render/layout are parse errors wherever they appear, also
// inside `{% liquid %}`), only own properties, unknown filters are parse errors, and parse/render/memory limits
// bound hostile input: a render stops after RENDER_LIMIT_MS, and all the renders of one plan share PLAN_RENDER_MS.
import { Liquid, type Template } from 'liquidjs';

/** Longest template text liquidjs parses. */
export const PARSE_LIMIT_CHARS = 100_000;
/** One render's time, loops included (liquidjs checks it at every iteration). */
export const RENDER_LIMIT_MS = 100;
/** The renders of one plan together: a mapping of many slow templates cannot hold the event loop either. */
export const PLAN_RENDER_MS = 300;
/** Characters one render may produce and allocate (liquidjs's memoryLimit). */
export const RENDER_MEMORY_LIMIT = 10_000_000;

const engine = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  templates: {},
  timezoneOffset: 0,
  parseLimit: PARSE_LIMIT_CHARS,
  renderLimit: RENDER_LIMIT_MS,
  memoryLimit: RENDER_MEMORY_LIMIT,
});

const FORBIDDEN_TAGS = ['include', 'render', 'layout'] as const;
for (const name of FORBIDDEN_TAGS) {
  engine.registerTag(name, {
    parse() {
      throw new Error(`tag "${name}" is not allowed in mapping templates`);
    },
    render() {},
  });
}

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

/** When the plan being made must stop rendering (planning is synchronous: one plan at a time). */
let planDeadline: number | undefined;

/** Runs `plan` with one render budget shared by all its templates. */
export function withRenderBudget<T>(plan: () => T): T {
  const outer = planDeadline;
  planDeadline = outer ?? performance.now() + PLAN_RENDER_MS;
  try {
    return plan();
  } finally {
    planDeadline = outer;
  }
}

export function renderTemplate(template: Template[], context: object): string {
  const left = planDeadline === undefined ? RENDER_LIMIT_MS : planDeadline - performance.now();
  const renderLimit = Math.max(0, Math.min(RENDER_LIMIT_MS, left));
  return String(engine.renderSync(template, context, { renderLimit }) ?? '');
}
