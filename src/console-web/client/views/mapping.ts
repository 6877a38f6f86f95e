// The mapping: the active version and its history, diffs between versions (or against the editor's draft), and a
// YAML editor whose draft can be validated, dry-run against a chat event, published and rolled back. Diagnostics
// carry line and column: choosing one puts the caret there. Drafts and changes are ADMIN only, as the API says.

import type {
  ConsoleDiagnosticFragment,
  ConsoleMappingsQuery,
  RecordChatInput,
} from '../../generated/graphql.ts';
import { ApiError, failure } from '../api.ts';
import {
  CheckMappingQuery,
  DiffMappingQuery,
  MappingsQuery,
  PlanChatQuery,
  PublishMappingMutation,
  RollbackMappingMutation,
} from '../documents.ts';
import { announce, errorText, h, replace } from '../dom.ts';
import { timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import { field } from './sync-log.ts';
import type { View, ViewContext } from './view.ts';

const SAMPLE_EVENT: RecordChatInput = {
  chatId: 'console-dry-run',
  event: 'ENDED',
  channel: 'Website',
  visitor: { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Analytical Engines' },
  agent: { id: 'agent-1', email: 'agent@example.com' },
  startedAt: '2026-01-01T10:00:00.000Z',
  endedAt: '2026-01-01T10:05:00.000Z',
  messages: [{ at: '2026-01-01T10:00:00.000Z', from: 'VISITOR', text: 'Hello!' }],
};

export function mappingView(root: HTMLElement, ctx: ViewContext): View {
  const mayDraft = can(ctx.role, 'draftMapping');
  const mayPublish = can(ctx.role, 'publishMapping');
  const history = h('tbody');
  const active = h('p', { id: 'mapping-active' });
  const editor = h('textarea', {
    id: 'mapping-yaml',
    rows: 22,
    spellcheck: 'false',
    'aria-describedby': 'mapping-diagnostics',
    readonly: !mayDraft,
    // Unwrapped, so a diagnostic's line is one line on screen.
    wrap: 'off',
  });
  const event = h('textarea', { id: 'mapping-event', rows: 8, spellcheck: 'false' });
  event.value = JSON.stringify(SAMPLE_EVENT, null, 2);
  const diagnostics = h('ul', { id: 'mapping-diagnostics', class: 'diagnostics', 'aria-live': 'polite' });
  const output = h('pre', {
    id: 'mapping-output',
    class: 'output',
    tabindex: 0,
    role: 'region',
    'aria-label': 'Dry run or diff result',
  });
  let versions: ConsoleMappingsQuery['mappingVersions'] = [];
  const compareFrom = h('select', { id: 'compare-from' });
  const compareTo = h('select', { id: 'compare-to' });
  let shown = '';
  let edited = false;
  editor.addEventListener('input', () => {
    edited = true;
  });

  async function refresh(): Promise<void> {
    const data = await ctx.request(MappingsQuery);
    const key = JSON.stringify(data.mappingVersions);
    // Only when it changed: assigning the value moves the caret and the scroll position.
    if (!edited && editor.value !== data.mapping.yaml) editor.value = data.mapping.yaml;
    if (key === shown) return;
    shown = key;
    versions = data.mappingVersions;
    active.textContent = `Active: version ${data.mapping.version}.`;
    // A new version came: compare it with the one before.
    for (const [control, pick] of [
      [compareFrom, versions[1]],
      [compareTo, versions[0]],
    ] as const) {
      replace(
        control,
        versions.map((v) => h('option', { value: v.version }, `v${v.version}${v.active ? ' (active)' : ''}`)),
      );
      control.value = String(pick?.version ?? '');
    }
    replace(
      history,
      versions.length === 0
        ? h(
            'tr',
            {},
            h(
              'td',
              { colspan: 4, class: 'muted' },
              'Nothing published yet: the default sales mapping applies.',
            ),
          )
        : versions.map((v) =>
            h(
              'tr',
              { 'data-version': v.version },
              h('td', { class: 'num' }, v.version, v.active ? h('strong', {}, ' (active)') : null),
              h('td', {}, v.author),
              h('td', {}, timestamp(v.createdAt)),
              h(
                'td',
                { class: 'actions' },
                v.active
                  ? null
                  : h(
                      'button',
                      { type: 'button', onclick: () => void diff({ from: v.version }) },
                      `Diff v${v.version} → active`,
                    ),
                mayPublish && !v.active
                  ? h(
                      'button',
                      { type: 'button', onclick: () => void rollback(v.version) },
                      `Roll back to v${v.version}`,
                    )
                  : null,
              ),
            ),
          ),
    );
  }

  function showDiagnostics(list: readonly ConsoleDiagnosticFragment[], none: string): void {
    editor.setAttribute('aria-invalid', String(list.some((d) => d.severity === 'ERROR')));
    replace(
      diagnostics,
      list.length === 0
        ? h('li', { class: 'muted' }, none)
        : list.map((d) =>
            h(
              'li',
              { class: d.severity.toLowerCase() },
              h(
                'button',
                { type: 'button', class: 'link', onclick: () => goTo(d.line, d.column) },
                `Line ${d.line}, column ${d.column}`,
              ),
              ` ${d.severity === 'ERROR' ? 'Error' : 'Warning'} ${d.code}: ${d.message} (${d.path})`,
              excerpt(editor.value, d.line, d.column),
            ),
          ),
    );
  }

  /** Puts the caret at a 1-based line and column of the editor. */
  function goTo(line: number, column: number): void {
    const lines = editor.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i]!.length + 1;
    offset += Math.max(column - 1, 0);
    editor.focus();
    editor.setSelectionRange(offset, offset + (lines[line - 1]?.length ?? 0) - Math.max(column - 1, 0));
    // Scroll the line into view: the textarea has no API for it, so estimate from the line height.
    const lineHeight = editor.scrollHeight / Math.max(lines.length, 1);
    editor.scrollTop = Math.max((line - 3) * lineHeight, 0);
  }

  async function run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      announce(errorText(error), 'error');
      output.textContent = errorText(error);
    }
  }

  const validate = () =>
    run(async () => {
      const result = (await ctx.request(CheckMappingQuery, { yaml: editor.value })).checkMappingAgainstOrg;
      if (result.__typename === 'QueryCheckMappingAgainstOrgSuccess') {
        showDiagnostics(result.data.diagnostics, 'No problems found against the org.');
        announce(
          result.data.valid ? 'The draft is valid against the org.' : 'The draft has errors.',
          result.data.valid ? 'info' : 'error',
        );
        return;
      }
      // Not connected: the checks against the standard objects still run in a dry run.
      if (result.__typename === 'SalesforceUnavailableError') return dryRun();
      throw new ApiError(failure(result) ?? result.__typename, result.__typename);
    });

  const dryRun = () =>
    run(async () => {
      let input: RecordChatInput;
      try {
        input = JSON.parse(event.value) as RecordChatInput;
      } catch (error) {
        throw new Error(`The chat event is not JSON: ${errorText(error)}`);
      }
      const result = (await ctx.request(PlanChatQuery, { event: input, mapping: editor.value })).planChat;
      if (result.__typename === 'MappingInvalidError') {
        showDiagnostics(result.diagnostics, '');
        output.textContent = result.message;
        announce(result.message, 'error');
        return;
      }
      if (result.__typename !== 'QueryPlanChatSuccess')
        throw new ApiError(failure(result) ?? result.__typename, result.__typename);
      showDiagnostics([], 'No errors.');
      output.textContent = JSON.stringify(result.data.plan, null, 2);
      announce(
        result.data.connected
          ? 'Dry run done: lookups ran against the org; nothing was written.'
          : 'Dry run done (not connected: lookups assumed to find nothing).',
      );
    });

  const diff = (args: { from?: number; to?: number; yaml?: string }) =>
    run(async () => {
      const result = (
        await ctx.request(DiffMappingQuery, {
          from: args.from ?? null,
          to: args.to ?? null,
          yaml: args.yaml ?? null,
        })
      ).diffMapping;
      if (result.__typename !== 'QueryDiffMappingSuccess')
        throw new ApiError(failure(result) ?? result.__typename, result.__typename);
      const { data } = result;
      output.textContent = data.diff
        ? `v${data.from} → ${data.to === null ? 'draft' : `v${data.to}`}: +${data.added} −${data.removed}\n\n${data.diff}`
        : 'No differences.';
      announce(`Diff shown: ${data.added} line(s) added, ${data.removed} removed.`);
    });

  const publish = () =>
    run(async () => {
      const result = (await ctx.request(PublishMappingMutation, { yaml: editor.value })).publishMapping;
      if (result.__typename === 'MappingInvalidError') {
        showDiagnostics(result.diagnostics, '');
        announce(`Not published: ${result.message}`, 'error');
        return;
      }
      if (result.__typename !== 'MutationPublishMappingSuccess')
        throw new ApiError(failure(result) ?? result.__typename, result.__typename);
      showDiagnostics(result.data.warnings, 'Published without warnings.');
      announce(
        result.data.created
          ? `Published as version ${result.data.mappingVersion.version}.`
          : `Unchanged: version ${result.data.mappingVersion.version} is already this text.`,
      );
      edited = false;
      await refresh();
    });

  const rollback = (version: number) =>
    run(async () => {
      if (!window.confirm(`Roll back to version ${version}? It is published again as a new version.`)) return;
      const result = (await ctx.request(RollbackMappingMutation, { version })).rollbackMapping;
      if (result.__typename !== 'MutationRollbackMappingSuccess')
        throw new ApiError(failure(result) ?? result.__typename, result.__typename);
      announce(`Rolled back: version ${result.data.mappingVersion.version} is active.`);
      edited = false;
      await refresh();
    });

  replace(
    root,
    h('h1', {}, 'Mapping'),
    active,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('caption', {}, 'Versions, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Version', 'Author', 'Published', 'Actions'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        history,
      ),
    ),
    h(
      'form',
      {
        class: 'toolbar',
        'aria-label': 'Compare two versions',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void diff({ from: Number(compareFrom.value), to: Number(compareTo.value) });
        },
      },
      field('Compare version', compareFrom),
      field('with version', compareTo),
      h('button', { type: 'submit' }, 'Show diff'),
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { 'aria-labelledby': 'editor-title' },
        h('h2', { id: 'editor-title' }, 'Draft'),
        h('label', { for: editor.id }, 'Mapping YAML'),
        editor,
        h(
          'div',
          { class: 'toolbar' },
          mayDraft ? h('button', { type: 'button', onclick: () => void validate() }, 'Validate') : null,
          mayDraft ? h('button', { type: 'button', onclick: () => void dryRun() }, 'Dry run') : null,
          mayDraft
            ? h(
                'button',
                { type: 'button', onclick: () => void diff({ yaml: editor.value }) },
                'Diff with active',
              )
            : null,
          mayPublish
            ? h('button', { type: 'button', class: 'primary', onclick: () => void publish() }, 'Publish')
            : null,
          mayDraft
            ? null
            : h('p', { class: 'muted' }, 'Only an ADMIN can check, dry-run, publish or roll back mappings.'),
        ),
        h('h3', {}, 'Diagnostics'),
        diagnostics,
      ),
      h(
        'section',
        { 'aria-labelledby': 'result-title' },
        h('h2', { id: 'result-title' }, 'Dry run and diff'),
        h('label', { for: event.id }, 'Chat event for the dry run (RecordChatInput as JSON)'),
        event,
        output,
      ),
    ),
  );
  return { refresh };
}

/** The diagnostic's line of the draft with a caret under its column, as compilers print it. */
function excerpt(text: string, line: number, column: number): HTMLElement | null {
  const source = text.split('\n')[line - 1];
  if (source === undefined) return null;
  return h(
    'pre',
    { class: 'excerpt', 'aria-hidden': 'true' },
    `${line} | ${source}\n${' '.repeat(String(line).length)} | ${' '.repeat(Math.max(column - 1, 0))}^`,
  );
}
