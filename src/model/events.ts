/**
 * A tiny event emitter shaped like VS Code's, so the model raises events in plain Node and the
 * adapters hand `emitter.event` straight to VS Code APIs (TreeDataProvider.onDidChangeTreeData...).
 */

export interface Disposable {
  dispose(): void;
}

/** Subscribe with a listener; the returned Disposable unsubscribes. Same shape as `vscode.Event<T>`. */
export type Event<T> = (listener: (e: T) => unknown, thisArgs?: unknown, disposables?: Disposable[]) => Disposable;

/** A Disposable that runs `fn` once, however often it is disposed. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export interface EmitterOptions {
  /**
   * Called with whatever a listener threw; the remaining listeners still run. Defaults to
   * `console.error`, so a faulty view never stops the model or the other views.
   */
  readonly onListenerError?: (error: unknown) => void;
}

interface Subscription<T> {
  readonly listener: (e: T) => unknown;
  readonly thisArgs: unknown;
  live: boolean;
}

export class Emitter<T> {
  private subscriptions: Subscription<T>[] = [];
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (listener, thisArgs, disposables) => {
    if (this.disposed) return toDisposable(() => undefined);
    const sub: Subscription<T> = { listener, thisArgs, live: true };
    this.subscriptions.push(sub);
    const d = toDisposable(() => {
      sub.live = false;
      this.subscriptions = this.subscriptions.filter((s) => s !== sub);
    });
    disposables?.push(d);
    return d;
  };

  /** Calls every listener subscribed now, in subscription order; one that unsubscribes mid-fire is skipped. */
  fire(value: T): void {
    if (this.disposed) return;
    for (const sub of [...this.subscriptions]) {
      if (!sub.live) continue;
      try {
        sub.listener.call(sub.thisArgs, value);
      } catch (error) {
        this.reportListenerError(error);
      }
    }
  }

  /** True while at least one listener is subscribed. */
  get hasListeners(): boolean {
    return this.subscriptions.length > 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const sub of this.subscriptions) sub.live = false;
    this.subscriptions = [];
  }

  private reportListenerError(error: unknown): void {
    const report = this.options.onListenerError;
    try {
      if (report) report(error);
      else console.error('[aemGuides] an event listener failed:', error);
    } catch {
      // The error hook itself failed; nothing sensible is left to do but carry on.
    }
  }
}
