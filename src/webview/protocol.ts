/**
 * Messages between the job details panel (extension host) and its page (media/details.ts), typed in
 * both directions. Types only: the page bundle imports nothing at run time from here.
 * All server text travels as plain strings and the page sets it with textContent, never as HTML.
 */

export type DetailsAction = 'cancel' | 'resume' | 'rerun' | 'followLogs' | 'stopFollowing' | 'openFullLog' | 'downloadLogs' | 'copyId';

/** One row of the facts table: a localised label and a plain-text value. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

export interface ChartPoint {
  /** ms since the first sample */
  readonly t: number;
  readonly count: number;
}

export interface DetailsView {
  readonly processingId: string;
  readonly title: string;
  readonly path: string;
  /** Localised state ("Running") and the server's raw status ("IN_PROGRESS"). */
  readonly stateLabel: string;
  readonly status: string;
  readonly state: 'waiting' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';
  readonly active: boolean;
  /** 0..1 when the total is known; undefined while files are counted (indeterminate). */
  readonly progress?: number;
  readonly progressText: string;
  readonly etaText?: string;
  /** True when etaText is our estimate rather than the server's value. */
  readonly etaEstimated: boolean;
  readonly throughputText?: string;
  readonly chart: readonly ChartPoint[];
  readonly chartTotal?: number;
  readonly facts: readonly Fact[];
  readonly comments?: string;
  /** The actions the job allows now (from its capability flags). */
  readonly actions: readonly DetailsAction[];
  /** Set when the server cannot be reached: how old the shown state is and why. */
  readonly stale?: { readonly age: string; readonly reason: string };
}

/** Localised texts the page needs (the page has no access to vscode.l10n). */
export interface DetailsStrings {
  readonly progress: string;
  readonly eta: string;
  readonly estimate: string;
  readonly throughput: string;
  readonly chartLabel: string;
  readonly details: string;
  readonly comments: string;
  readonly staleTitle: string;
  readonly counting: string;
  readonly actions: Record<DetailsAction, string>;
}

export type HostToPage =
  | { readonly type: 'init'; readonly strings: DetailsStrings }
  | { readonly type: 'state'; readonly view: DetailsView }
  | { readonly type: 'gone'; readonly message: string };

export type PageToHost =
  /** The page is loaded and listening: the host answers with init and state. */
  | { readonly type: 'ready' }
  | { readonly type: 'action'; readonly action: DetailsAction }
  /** After each render: what the page shows, as text, so tests can check it in a real webview. */
  | { readonly type: 'rendered'; readonly text: string; readonly comment: string | null; readonly elementCount: number; readonly scriptCount: number; readonly imgCount: number; readonly buttons: readonly string[] };

export function isPageToHost(value: unknown): value is PageToHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'action' || type === 'rendered';
}
