// What each role may do, as the API's authScopes allow it: the console hides or disables what the signed-in role
// cannot do (the server still decides: a refusal is shown with its own message).
export type Role = 'ADMIN' | 'AGENT' | 'INTEGRATION' | 'SYSTEM';

export type Capability =
  | 'viewSync'
  | 'retrySync'
  | 'resolveReview'
  | 'viewBudget'
  | 'refreshBudget'
  | 'viewConnection'
  | 'manageConnection'
  | 'viewMapping'
  | 'draftMapping'
  | 'publishMapping';

const ALLOWED: Record<Capability, readonly Role[]> = {
  viewSync: ['ADMIN', 'AGENT', 'INTEGRATION'],
  retrySync: ['ADMIN', 'AGENT'],
  resolveReview: ['ADMIN', 'AGENT'],
  viewBudget: ['ADMIN', 'AGENT', 'INTEGRATION'],
  refreshBudget: ['ADMIN'],
  viewConnection: ['ADMIN', 'AGENT', 'INTEGRATION'],
  manageConnection: ['ADMIN'],
  viewMapping: ['ADMIN', 'AGENT'],
  // Drafts (validate, dry run, diff of pasted YAML) and changes of the active mapping.
  draftMapping: ['ADMIN'],
  publishMapping: ['ADMIN'],
};

export function can(role: Role, capability: Capability): boolean {
  return ALLOWED[capability].includes(role);
}
