// What every tab of the console gets, and gives back: its refresh runs on each poll while the tab is shown.
import type { Request } from '../api.ts';
import type { Role } from '../permissions.ts';

export interface ViewContext {
  request: Request;
  role: Role;
  /** Opens another tab, e.g. the review inbox from a row of the sync log. */
  navigate(tab: string): void;
}

export interface View {
  /** Fetches and redraws; quietly (no redraw) when nothing changed. */
  refresh(): Promise<void>;
}
