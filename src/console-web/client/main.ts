// The sync console's entry point: sign-in, the tabs a role may see, hash routing and polling for live updates.
import { ApiError, createClient, type Request } from './api.ts';
import { ViewerQuery } from './documents.ts';
import { announce, errorText, h, replace } from './dom.ts';
import { type Capability, can, type Role } from './permissions.ts';
import { session } from './session.ts';
import { budgetView } from './views/budget.ts';
import { connectionView } from './views/connection.ts';
import { mappingView } from './views/mapping.ts';
import { reviewView } from './views/review.ts';
import { syncLogView } from './views/sync-log.ts';
import type { View, ViewContext } from './views/view.ts';

const ENDPOINT = '/graphql';
const POLL_MS = 2_000;

interface Tab {
  id: string;
  title: string;
  needs: Capability;
  build(root: HTMLElement, ctx: ViewContext): View;
}

const TABS: Tab[] = [
  { id: 'sync', title: 'Sync log', needs: 'viewSync', build: syncLogView },
  { id: 'review', title: 'Review inbox', needs: 'viewSync', build: reviewView },
  { id: 'budget', title: 'API budget', needs: 'viewBudget', build: budgetView },
  { id: 'connection', title: 'Connection', needs: 'viewConnection', build: connectionView },
  { id: 'mapping', title: 'Mapping', needs: 'viewMapping', build: mappingView },
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const account = document.getElementById('account')!;
/** Stops the signed-in shell's polling and routing. */
let stopShell: (() => void) | null = null;

function signIn(message?: string): void {
  stopShell?.();
  stopShell = null;
  session.clear();
  replace(nav);
  replace(account);
  const input = h('input', {
    id: 'credential',
    type: 'password',
    autocomplete: 'off',
    required: true,
    class: 'wide',
  });
  const error = h('p', { id: 'sign-in-error', class: 'error-text', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('label', { for: input.id }, 'API key or platform token'),
    input,
    h(
      'p',
      { class: 'muted' },
      'Kept in this browser tab only (session storage), until you sign out or close it.',
    ),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void start(input.value.trim()).catch((e) => {
      error.textContent = errorText(e);
    });
  });
  replace(main, form);
  input.focus();
}

async function start(credential: string): Promise<void> {
  const request = createClient(ENDPOINT, credential);
  const { viewer } = await request(ViewerQuery);
  if (!viewer.tenant)
    throw new Error(
      'This credential belongs to no tenant (a platform key): sign in with a tenant key or token.',
    );
  session.set(credential);
  shell(
    request,
    viewer.role as Role,
    `${viewer.tenant.name} (${viewer.tenant.slug})`,
    viewer.agentEmail ?? null,
  );
}

function shell(request: Request, role: Role, tenant: string, agent: string | null): void {
  const tabs = TABS.filter((tab) => can(role, tab.needs));
  replace(
    account,
    h(
      'span',
      { id: 'whoami' },
      `${tenant} · `,
      h('strong', { id: 'role' }, role),
      agent ? ` · ${agent}` : '',
    ),
    h('button', { type: 'button', onclick: () => signIn('Signed out.') }, 'Sign out'),
  );
  const links = tabs.map((tab) => h('a', { href: `#${tab.id}`, id: `tab-${tab.id}` }, tab.title));
  replace(
    nav,
    h(
      'ul',
      {},
      links.map((link) => h('li', {}, link)),
    ),
  );

  let current: { id: string; view: View } | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const ctx: ViewContext = {
    request: async (document, ...variables) => {
      try {
        return await request(document, ...variables);
      } catch (error) {
        // A revoked key or an expired token: back to the sign-in form, saying why.
        if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') signIn(error.message);
        throw error;
      }
    },
    role,
    navigate: (tab) => {
      window.location.hash = tab;
    },
  };

  async function poll(): Promise<void> {
    clearTimeout(timer);
    if (!stopShell) return;
    if (current && !document.hidden) {
      try {
        await current.view.refresh();
      } catch (error) {
        announce(errorText(error), 'error');
      }
    }
    timer = setTimeout(() => void poll(), POLL_MS);
  }

  function route(): void {
    if (!session.get()) return;
    const id = window.location.hash.slice(1);
    const tab = tabs.find((t) => t.id === id) ?? tabs[0]!;
    if (current?.id === tab.id) return;
    for (const link of links) link.removeAttribute('aria-current');
    document.getElementById(`tab-${tab.id}`)?.setAttribute('aria-current', 'page');
    const root = h('div', { class: 'view', id: `view-${tab.id}` });
    replace(main, root);
    const first = current === null;
    current = { id: tab.id, view: tab.build(root, ctx) };
    // After choosing a tab, keyboard and screen-reader users land on its heading, not back at the top.
    const heading = root.querySelector('h1');
    if (heading && !first) {
      heading.tabIndex = -1;
      heading.focus();
    }
    document.title = `${tab.title} · CloudCX sync console`;
    void poll();
  }

  stopShell = () => {
    clearTimeout(timer);
    current = null;
    window.onhashchange = null;
  };
  window.onhashchange = route;
  document.onvisibilitychange = () => {
    if (!document.hidden) void poll();
  };
  route();
}

const stored = session.get();
if (stored) void start(stored).catch((error) => signIn(errorText(error)));
else signIn();
