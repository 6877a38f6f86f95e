// The sync log: chats and conversations with their status, visitor, Salesforce records, attempts and errors;
// filters (status, section, time, visitor text), a detail dialog (events received, plans carried out), retry of one
// or all dead-lettered records, CSV export. Polled: the table redraws only on change.

import type {
  ConsoleSyncRecordQuery,
  ConsoleSyncRowFragment,
  SourceKind,
  SyncStatus,
} from '../../generated/graphql.ts';
import { ApiError, failure } from '../api.ts';
import { toCsv } from '../csv.ts';
import { RetrySyncMutation, SyncRecordDetailQuery, SyncRecordsQuery } from '../documents.ts';
import { announce, errorText, h, replace } from '../dom.ts';
import { errorInWords, relativeTime, STATUS_WORDS, STATUSES, sectionName, timestamp } from '../format.ts';
import { can } from '../permissions.ts';
import type { View, ViewContext } from './view.ts';

const PAGE = 100;
/** Typing in the visitor filter asks again once the typing pauses. */
const TYPING_PAUSE_MS = 300;
const OUTCOME_WORDS: Record<string, string> = {
  WRITTEN: 'Written',
  FAILED: 'Refused',
  HALTED: 'Not sent (a step it needs failed)',
};
const EXPORT_MAX_ROWS = 10_000;
const WINDOWS: Record<string, number | null> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  all: null,
};

export function syncLogView(root: HTMLElement, ctx: ViewContext): View {
  const mayRetry = can(ctx.role, 'retrySync');
  const status = select('filter-status', [
    ['', 'All statuses'],
    ...STATUSES.map((s) => [s, STATUS_WORDS[s]!]),
  ]);
  const section = select('filter-section', [
    ['', 'All sections'],
    ['CHAT', 'Web chat'],
    ['CONVERSATION', 'Inbox'],
  ]);
  const window = select('filter-time', [
    ['24h', 'Last 24 hours'],
    ['1h', 'Last hour'],
    ['7d', 'Last 7 days'],
    ['all', 'Any time'],
  ]);
  const visitor = h('input', {
    id: 'filter-visitor',
    type: 'search',
    autocomplete: 'off',
    maxlength: 200,
    placeholder: 'Name, email or phone',
  });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true, onclick: () => void load(true) }, 'Load more');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const dialog = h('dialog', { 'aria-labelledby': 'detail-title' });
  let rows: ConsoleSyncRowFragment[] = [];
  let cursor: string | null = null;
  let pages = 1;
  let shown = '';

  const variables = () => {
    const span = WINDOWS[window.value] ?? null;
    return {
      first: PAGE,
      status: status.value ? [status.value as SyncStatus] : null,
      sourceKind: (section.value || null) as SourceKind | null,
      createdAfter: span === null ? null : new Date(Date.now() - span).toISOString(),
      visitor: visitor.value.trim() || null,
    };
  };

  async function load(append = false): Promise<void> {
    const page = await ctx.request(SyncRecordsQuery, { ...variables(), after: append ? cursor : null });
    const fresh = page.syncRecords.edges.map((e) => e.node);
    // A poll refreshes the rows already shown (up to as many pages as were loaded).
    rows = append ? [...rows, ...fresh] : fresh;
    pages = append ? pages + 1 : 1;
    cursor = page.syncRecords.pageInfo.endCursor ?? null;
    more.hidden = !page.syncRecords.pageInfo.hasNextPage;
    draw();
  }

  function draw(): void {
    const key = JSON.stringify(rows);
    if (key === shown) return;
    shown = key;
    summary.textContent = `${rows.length} record${rows.length === 1 ? '' : 's'} shown`;
    replace(
      body,
      rows.length === 0
        ? h(
            'tr',
            {},
            h('td', { colspan: 9, class: 'muted' }, 'No chats or conversations match these filters.'),
          )
        : rows.map(row),
    );
  }

  function row(r: ConsoleSyncRowFragment): HTMLTableRowElement {
    const retryable = r.status === 'DEAD' || r.status === 'RETRYING' || r.status === 'WAITING_FOR_CONNECTION';
    return h(
      'tr',
      { 'data-id': r.id, 'data-source': r.sourceId, 'data-status': r.status },
      h(
        'td',
        {},
        h('span', { class: `badge ${r.status.toLowerCase()}` }, STATUS_WORDS[r.status] ?? r.status),
      ),
      h('td', {}, h('time', { datetime: r.createdAt, title: r.createdAt }, timestamp(r.createdAt))),
      h(
        'td',
        {},
        h('span', { class: 'source' }, r.sourceId),
        h('br'),
        h('small', {}, sectionName(r.sourceKind)),
      ),
      h('td', { class: 'visitor' }, visitorCell(r.visitor)),
      h('td', {}, records(r.objects)),
      h('td', { class: 'num' }, r.attempts),
      h(
        'td',
        {},
        r.nextAttemptAt ? h('time', { datetime: r.nextAttemptAt }, relativeTime(r.nextAttemptAt)) : '',
      ),
      h('td', { class: 'error-text' }, errorInWords(r.lastErrorCode, r.lastError)),
      h(
        'td',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', onclick: () => void detail(r.id) },
          'Details',
          h('span', { class: 'sr-only' }, ` of ${r.sourceId}`),
        ),
        r.status === 'NEEDS_REVIEW'
          ? h('button', { type: 'button', onclick: () => ctx.navigate('review') }, 'Review')
          : null,
        mayRetry && retryable
          ? h(
              'button',
              { type: 'button', onclick: () => void retry(r.id, r.sourceId) },
              'Retry',
              h('span', { class: 'sr-only' }, ` ${r.sourceId}`),
            )
          : null,
      ),
    );
  }

  async function retry(id: string, sourceId: string): Promise<void> {
    try {
      const result = (await ctx.request(RetrySyncMutation, { id })).retrySync;
      const refused = failure(result);
      if (refused) throw new ApiError(refused, result.__typename);
      announce(`${sourceId} queued again.`);
      await load();
    } catch (error) {
      announce(`Retry of ${sourceId} refused: ${errorText(error)}`, 'error');
    }
  }

  async function retryAllDead(): Promise<void> {
    let queued = 0;
    let refused = '';
    try {
      // Retrying takes a record out of DEAD, so the first page is asked for again until it holds nothing new; a
      // record the org refuses again comes back DEAD, and is not retried twice.
      const seen = new Set<string>();
      let after: string | null = null;
      for (let round = 0; round < 200 && !refused; round++) {
        const page = await ctx.request(SyncRecordsQuery, { first: PAGE, status: ['DEAD'], after });
        const { pageInfo } = page.syncRecords;
        const dead = page.syncRecords.edges.map((e) => e.node).filter((r) => !seen.has(r.id));
        // A page of records already retried: look further down, else everything was retried.
        after = dead.length === 0 && pageInfo.hasNextPage ? (pageInfo.endCursor ?? null) : null;
        if (dead.length === 0 && after) continue;
        if (dead.length === 0) break;
        for (const r of dead) {
          seen.add(r.id);
          const result = (await ctx.request(RetrySyncMutation, { id: r.id })).retrySync;
          const message = failure(result);
          if (message) refused = message;
          else queued++;
        }
      }
      announce(
        refused
          ? `${queued} queued again; refused: ${refused}`
          : `${queued} dead-lettered record(s) queued again.`,
        refused ? 'error' : 'info',
      );
    } catch (error) {
      announce(`Retry refused: ${errorText(error)}`, 'error');
    }
    await load();
  }

  async function exportCsv(): Promise<void> {
    const all: ConsoleSyncRowFragment[] = [];
    let after: string | null = null;
    try {
      do {
        const page = await ctx.request(SyncRecordsQuery, { ...variables(), after });
        all.push(...page.syncRecords.edges.map((e) => e.node));
        after = page.syncRecords.pageInfo.hasNextPage ? (page.syncRecords.pageInfo.endCursor ?? null) : null;
      } while (after && all.length < EXPORT_MAX_ROWS);
    } catch (error) {
      announce(`Export failed: ${errorText(error)}`, 'error');
      return;
    }
    const csv = toCsv(
      [
        'id',
        'source',
        'section',
        'status',
        'created',
        'synced',
        'attempts',
        'next attempt',
        'error code',
        'error',
        'salesforce records',
        'visitor',
        'visitor email',
        'visitor phone',
      ],
      all.map((r) => [
        r.id,
        r.sourceId,
        sectionName(r.sourceKind),
        r.status,
        r.createdAt,
        r.syncedAt,
        r.attempts,
        r.nextAttemptAt,
        r.lastErrorCode,
        r.lastError,
        r.objects.map((o) => `${o.role}:${o.sobjectType}:${o.salesforceId}`).join(' '),
        r.visitor?.name,
        r.visitor?.email,
        r.visitor?.phone,
      ]),
    );
    const link = h('a', {
      href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })),
      download: `sync-log-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.csv`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    announce(`Exported ${all.length} record(s) as CSV.`);
  }

  async function detail(id: string): Promise<void> {
    let record: Awaited<ReturnType<typeof fetchDetail>>;
    try {
      record = await fetchDetail(id);
    } catch (error) {
      announce(errorText(error), 'error');
      return;
    }
    if (!record) return announce('That record no longer exists.', 'error');
    replace(
      dialog,
      h('h2', { id: 'detail-title' }, `${sectionName(record.sourceKind)} ${record.sourceId}`),
      h(
        'dl',
        {},
        term('Status', STATUS_WORDS[record.status] ?? record.status),
        term('Recorded', timestamp(record.createdAt)),
        term('Last change', timestamp(record.updatedAt)),
        term('Synced', timestamp(record.syncedAt) || '—'),
        term('Attempts', String(record.attempts)),
        term(
          'Next attempt',
          record.nextAttemptAt
            ? `${timestamp(record.nextAttemptAt)} (${relativeTime(record.nextAttemptAt)})`
            : '—',
        ),
        term('Visitor', visitorLine(record.visitor) || '—'),
        term('Last error', errorInWords(record.lastErrorCode, record.lastError) || '—'),
        term(
          'Mapping',
          record.mappingVersion
            ? `version ${record.mappingVersion.version} by ${record.mappingVersion.author} (${record.mappingVersion.hash.slice(0, 12)})`
            : '—',
        ),
      ),
      h('h3', {}, 'Salesforce records'),
      record.objects.length === 0
        ? h('p', { class: 'muted' }, 'Nothing written yet.')
        : h(
            'table',
            { id: 'detail-objects' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Role'),
                h('th', { scope: 'col' }, 'Object'),
                h('th', { scope: 'col' }, 'Record'),
              ),
            ),
            h(
              'tbody',
              {},
              record.objects.map((o) =>
                h(
                  'tr',
                  {},
                  h('td', {}, o.role),
                  h('td', {}, o.sobjectType),
                  h('td', {}, link(o.url, o.salesforceId)),
                ),
              ),
            ),
          ),
      plansCarriedOut(record.carriedOutPlans),
      eventHistory(record.events, record.eventCount),
      record.matchCandidates.length > 0
        ? [
            h('h3', {}, 'Candidates'),
            h(
              'ul',
              {},
              record.matchCandidates.map((c) => h('li', {}, `${c.object} ${c.salesforceId} (${c.rule})`)),
            ),
          ]
        : null,
      h('form', { method: 'dialog' }, h('button', { type: 'submit', autofocus: true }, 'Close')),
    );
    dialog.showModal();
  }

  const fetchDetail = async (id: string) => (await ctx.request(SyncRecordDetailQuery, { id })).syncRecord;

  const onFilter = () => {
    cursor = null;
    void load().catch((error) => announce(errorText(error), 'error'));
  };
  for (const control of [status, section, window]) control.addEventListener('change', onFilter);
  let typing: ReturnType<typeof setTimeout> | undefined;
  visitor.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(onFilter, TYPING_PAUSE_MS);
  });

  replace(
    root,
    h('h1', {}, 'Sync log'),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter the sync log',
        onsubmit: (e: Event) => e.preventDefault(),
      },
      field('Status', status),
      field('Section', section),
      field('Time', window),
      field('Visitor', visitor),
      h('button', { type: 'button', onclick: () => void exportCsv() }, 'Export CSV'),
      mayRetry
        ? h('button', { type: 'button', onclick: () => void retryAllDead() }, 'Retry all dead-lettered')
        : null,
    ),
    summary,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'log' },
        h('caption', { class: 'sr-only' }, 'Chats and conversations, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Status',
              'Recorded (UTC)',
              'Chat or conversation',
              'Visitor',
              'Salesforce records',
              'Attempts',
              'Next attempt',
              'Last error',
              'Actions',
            ].map((title) => h('th', { scope: 'col' }, title)),
          ),
        ),
        body,
      ),
    ),
    more,
    dialog,
  );
  return {
    // Polling reloads the first page; while more pages are shown it waits, so they do not vanish under the reader.
    refresh: () => (pages > 1 ? Promise.resolve() : load()),
  };
}

type Detail = NonNullable<ConsoleSyncRecordQuery['syncRecord']>;

function visitorLine(v: ConsoleSyncRowFragment['visitor']): string {
  return v ? [v.name, v.email, v.phone].filter(Boolean).join(', ') : '';
}

function visitorCell(v: ConsoleSyncRowFragment['visitor']): Node[] | string {
  if (!v) return '—';
  const contact = [v.email, v.phone].filter(Boolean).join(' · ');
  return [
    document.createTextNode(v.name ?? contact),
    ...(v.name && contact ? [h('br'), h('small', {}, contact)] : []),
  ];
}

/** Each write of the chat to Salesforce, newest first, step by step with what Salesforce answered. */
function plansCarriedOut(plans: Detail['carriedOutPlans']): Node[] {
  return [
    h('h3', {}, 'Plans carried out'),
    plans.length === 0
      ? h('p', { class: 'muted' }, 'No plan carried out yet.')
      : h(
          'ol',
          { class: 'plans', reversed: true },
          plans.map((plan) =>
            h(
              'li',
              {},
              h('time', { datetime: plan.at }, timestamp(plan.at)),
              h(
                'table',
                { class: 'plan' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Step', 'Operation', 'Object', 'Record', 'Outcome'].map((t) =>
                      h('th', { scope: 'col' }, t),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  plan.steps.map((step) =>
                    h(
                      'tr',
                      { 'data-outcome': step.outcome },
                      h('td', {}, step.ref),
                      h('td', {}, step.operation.toLowerCase()),
                      h('td', {}, step.object),
                      h('td', {}, step.salesforceId ? link(step.url, step.salesforceId) : '—'),
                      h(
                        'td',
                        {},
                        OUTCOME_WORDS[step.outcome] ?? step.outcome,
                        step.outcome === 'FAILED' ? `: ${errorInWords(step.errorCode, step.message)}` : '',
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
  ];
}

/** The events received, newest first. */
function eventHistory(events: Detail['events'], count: number): Node[] {
  return [
    h('h3', {}, events.length < count ? `Events (newest ${events.length} of ${count})` : 'Events'),
    h(
      'table',
      { id: 'detail-events' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Received (UTC)', 'Event', 'What it carried', 'Event id', 'Applied'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        events.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, h('time', { datetime: e.receivedAt }, timestamp(e.receivedAt))),
            h('td', {}, e.kind),
            h('td', {}, e.summary),
            h('td', {}, e.eventId ?? '—'),
            h('td', {}, e.appliedAt ? timestamp(e.appliedAt) : 'not yet'),
          ),
        ),
      ),
    ),
  ];
}

function records(objects: ConsoleSyncRowFragment['objects']): Node {
  if (objects.length === 0) return document.createTextNode('—');
  return h(
    'ul',
    { class: 'records' },
    objects.map((o) => h('li', {}, link(o.url, `${o.sobjectType} ${o.salesforceId}`))),
  );
}

export function link(url: string | null | undefined, text: string): Node {
  // Only web links: a javascript: URL from a hostile org must not become clickable.
  return url && /^https?:\/\//i.test(url)
    ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, text)
    : document.createTextNode(text);
}

function term(name: string, value: string): Node[] {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function select(id: string, options: string[][]): HTMLSelectElement {
  return h(
    'select',
    { id },
    options.map(([value, text]) => h('option', { value: value! }, text!)),
  );
}

/** A labelled control; the label holds only its text, so the control's name is exactly that text. */
export function field(text: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: control.id }, text), control);
}
