/**
 * aemGuides.jobs.start: a multi-step input (path with folder browser and recent paths, exclusions,
 * file types, creation dates, skip processed), a summary to confirm, progress while starting.
 * With an argument object `{path, excludedPaths?, filter?}` it starts without prompts.
 */
import * as vscode from 'vscode';
import { checkDamPath, checkExcludedPath, checkStartRequest, DAM_ROOT } from '../api/damPath';
import { isAemError } from '../api/errors';
import { FILE_TYPES, type DamFolderPage, type StartFilter, type StartRequest } from '../api/types';
import { describeError, describeProblem } from '../ui/messages';
import { InputFlow } from '../ui/multiStepInput';
import { log } from '../util/logger';
import { parseDate, splitList } from './startInput';

export interface StartDeps {
  /** Starts the job through the model; returns the processing id. */
  start(request: StartRequest, signal: AbortSignal): Promise<string>;
  /** One page of a DAM folder (Assets HTTP API), for the folder browser. */
  listFolder(path: string, offset: number, signal: AbortSignal): Promise<DamFolderPage>;
  readonly recentPaths: RecentPaths;
  /** Called with the new id once started (follow logs, reveal in the tree). */
  onStarted(processingId: string, request: StartRequest): void;
}

export interface RecentPaths {
  list(): string[];
  add(path: string): Promise<void>;
}

/** Recent DAM paths per server, newest first, kept in globalState. */
export function recentPathsStore(memento: vscode.Memento, serverKey: () => string): RecentPaths {
  const key = (): string => `aemGuides.recentPaths:${serverKey()}`;
  return {
    list: () => memento.get<string[]>(key(), []),
    add: async (path) => {
      const next = [path, ...memento.get<string[]>(key(), []).filter((p) => p !== path)].slice(0, 10);
      await memento.update(key(), next);
    },
  };
}

export function registerStartCommand(context: vscode.ExtensionContext, deps: StartDeps & { isConnected(): boolean }): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('aemGuides.jobs.start', async (args?: unknown) => {
      if (!deps.isConnected()) {
        if (args !== undefined) throw new Error(vscode.l10n.t('Connect to an AEM Guides server first.'));
        const connect = vscode.l10n.t('Connect');
        const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Connect to an AEM Guides server first.'), connect);
        if (choice === connect) await vscode.commands.executeCommand('aemGuides.connect');
        return undefined;
      }
      return startJobCommand(deps, args);
    }),
  );
}

async function startJobCommand(deps: StartDeps, args?: unknown): Promise<string | undefined> {
  if (args !== undefined && args !== null && typeof args === 'object' && 'path' in args) {
    return startFromArgs(deps, args as Record<string, unknown>);
  }
  const request = await askForRequest(deps);
  if (!request) return undefined;
  return startWithProgress(deps, request);
}

function startFromArgs(deps: StartDeps, args: Record<string, unknown>): Promise<string | undefined> {
  const path = typeof args['path'] === 'string' ? args['path'] : '';
  const excluded = Array.isArray(args['excludedPaths']) ? args['excludedPaths'].filter((p): p is string => typeof p === 'string') : undefined;
  const rawFilter = typeof args['filter'] === 'object' && args['filter'] !== null ? (args['filter'] as Record<string, unknown>) : undefined;
  const filter: StartFilter | undefined = rawFilter
    ? {
        ...(Array.isArray(rawFilter['fileTypes']) ? { fileTypes: rawFilter['fileTypes'].map(String) } : {}),
        ...(typeof rawFilter['startTime'] === 'number' ? { startTime: rawFilter['startTime'] } : {}),
        ...(typeof rawFilter['endTime'] === 'number' ? { endTime: rawFilter['endTime'] } : {}),
        ...(rawFilter['filterProcessedAssets'] === true ? { filterProcessedAssets: true } : {}),
      }
    : undefined;
  const request: StartRequest = { path, ...(excluded ? { excludedPaths: excluded } : {}), ...(filter ? { filter } : {}) };
  const checked = checkStartRequest(request);
  if (!checked.ok) {
    // Refused before any request, with every problem named.
    return Promise.reject(new Error(checked.problems.map(describeProblem).join(' ')));
  }
  return startWithProgress(deps, checked.request, true);
}

async function startWithProgress(deps: StartDeps, request: StartRequest, rethrow = false): Promise<string | undefined> {
  try {
    const id = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting processing of {0}...', request.path), cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await deps.start(request, abort.signal);
        } finally {
          sub.dispose();
        }
      },
    );
    await deps.recentPaths.add(request.path);
    log.info(`Started processing ${request.path} (${id})`);
    deps.onStarted(id, request);
    return id;
  } catch (e) {
    if (isAemError(e) && e.kind === 'cancelled') return undefined;
    log.error(`Starting processing of ${request.path} failed`, e);
    const message = describeError(e);
    if (rethrow) throw new Error(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
}

const BROWSE = new vscode.ThemeIcon('folder-opened');

async function askForRequest(deps: StartDeps): Promise<StartRequest | undefined> {
  const title = vscode.l10n.t('Start Asset Processing');
  let path = deps.recentPaths.list()[0] ?? DAM_ROOT;
  let excludedText = '';
  let fileTypes: string[] = [];
  let after = '';
  let before = '';
  let skipProcessed = false;
  let request: StartRequest | undefined;

  const browseButton: vscode.QuickInputButton = { iconPath: BROWSE, tooltip: vscode.l10n.t('Browse DAM folders') };
  const recentButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('history'), tooltip: vscode.l10n.t('Recent paths') };
  const done = await InputFlow.run([
    async (flow) => {
      const recent = deps.recentPaths.list();
      path = await flow.input({
        title,
        prompt: recent.length > 0 ? vscode.l10n.t('DAM folder to process (buttons: recent paths, browse the DAM)') : vscode.l10n.t('DAM folder to process (use the folder button to browse the DAM)'),
        value: path,
        placeholder: '/content/dam/my-docs',
        buttons: recent.length > 0 ? [recentButton, browseButton] : [browseButton],
        validate: (v) => {
          const problem = checkDamPath(v);
          return problem ? describeProblem(problem) : undefined;
        },
        onButton: async (button, box) => {
          const picked =
            button === recentButton
              ? await vscode.window.showQuickPick(recent, { title: vscode.l10n.t('Recent paths'), placeHolder: vscode.l10n.t('Pick a folder processed before') })
              : await browseFolders(deps, checkDamPath(box.value) ? DAM_ROOT : box.value);
          if (picked) box.value = picked;
        },
      });
      return 1;
    },
    async (flow) => {
      excludedText = await flow.input({
        title,
        prompt: vscode.l10n.t('Paths to skip, separated by commas (optional; relative paths are read from the root)'),
        value: excludedText,
        placeholder: `${path}/archive, ${path}/drafts`,
        validate: (v) => {
          for (const raw of splitList(v)) {
            const checked = checkExcludedPath(raw, path);
            if (checked.problem) return describeProblem(checked.problem);
          }
          return undefined;
        },
      });
      return 2;
    },
    async (flow) => {
      const items = FILE_TYPES.map((t) => ({ label: t, picked: fileTypes.includes(t) }));
      const picked = await flow.pick({
        title,
        placeholder: vscode.l10n.t('File types to process (none selected: all types)'),
        items,
        canPickMany: true,
        selected: items.filter((i) => fileTypes.includes(i.label)),
      });
      fileTypes = picked.map((p) => p.label);
      return 3;
    },
    async (flow) => {
      after = await flow.input({
        title,
        prompt: vscode.l10n.t('Only assets created on or after (YYYY-MM-DD or YYYY-MM-DDTHH:MM; optional)'),
        value: after,
        validate: (v) => (v.trim() !== '' && parseDate(v, 'start') === undefined ? vscode.l10n.t('Enter a date as YYYY-MM-DD, or leave empty.') : undefined),
      });
      return 4;
    },
    async (flow) => {
      before = await flow.input({
        title,
        prompt: vscode.l10n.t('Only assets created on or before (YYYY-MM-DD or YYYY-MM-DDTHH:MM; optional)'),
        value: before,
        validate: (v) => {
          if (v.trim() === '') return undefined;
          const end = parseDate(v, 'end');
          if (end === undefined) return vscode.l10n.t('Enter a date as YYYY-MM-DD, or leave empty.');
          const start = parseDate(after, 'start');
          return start !== undefined && start > end ? describeProblem({ code: 'timeRange' }) : undefined;
        },
      });
      return 5;
    },
    async (flow) => {
      const items = [
        { label: vscode.l10n.t('Process every matching asset'), value: false },
        { label: vscode.l10n.t('Skip assets already processed'), value: true },
      ];
      const [picked] = await flow.pick({ title, placeholder: vscode.l10n.t('Already processed assets'), items, active: items.find((i) => i.value === skipProcessed) });
      skipProcessed = picked!.value;
      return 6;
    },
    async (flow) => {
      const startTime = parseDate(after, 'start');
      const endTime = parseDate(before, 'end');
      const candidate: StartRequest = {
        path,
        excludedPaths: splitList(excludedText),
        filter: {
          fileTypes,
          ...(startTime !== undefined ? { startTime } : {}),
          ...(endTime !== undefined ? { endTime } : {}),
          filterProcessedAssets: skipProcessed,
        },
      };
      const checked = checkStartRequest(candidate);
      if (!checked.ok) {
        // Each step validated its own field; a combination can still be refused: start over.
        void vscode.window.showErrorMessage(checked.problems.map(describeProblem).join(' '));
        return 0;
      }
      const r = checked.request;
      const summary = [
        { label: `$(play) ${vscode.l10n.t('Start processing')}`, detail: summaryText(r), value: 'start' as const },
        { label: `$(edit) ${vscode.l10n.t('Change the folder')}`, value: 'edit' as const },
      ];
      const [choice] = await flow.pick({ title, placeholder: vscode.l10n.t('Confirm: process {0}?', r.path), items: summary });
      if (choice!.value === 'edit') return 0;
      request = r;
      return undefined;
    },
  ]);
  return done ? request : undefined;
}

function summaryText(r: StartRequest): string {
  const parts = [r.path];
  if (r.excludedPaths?.length) parts.push(vscode.l10n.t('excluding {0}', r.excludedPaths.join(', ')));
  if (r.filter?.fileTypes?.length) parts.push(vscode.l10n.t('types {0}', r.filter.fileTypes.join(', ')));
  if (r.filter?.startTime !== undefined) parts.push(vscode.l10n.t('created after {0}', new Date(r.filter.startTime).toLocaleString()));
  if (r.filter?.endTime !== undefined) parts.push(vscode.l10n.t('created before {0}', new Date(r.filter.endTime).toLocaleString()));
  if (r.filter?.filterProcessedAssets) parts.push(vscode.l10n.t('skipping processed assets'));
  return parts.join(' · ');
}

/** A quick pick that walks DAM folders through the Assets HTTP API; returns the chosen folder. */
async function browseFolders(deps: StartDeps, startAt: string): Promise<string | undefined> {
  let current = startAt;
  for (;;) {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { path?: string; action?: 'choose' | 'up' | 'more' }>();
    qp.title = vscode.l10n.t('Browse {0}', current);
    qp.placeholder = vscode.l10n.t('Open a folder, or choose this one');
    qp.busy = true;
    qp.ignoreFocusOut = true;
    qp.show();
    const abort = new AbortController();
    const entries: vscode.QuickPickItem[] = [];
    let nextOffset: number | undefined = 0;
    const head = [
      { label: `$(check) ${vscode.l10n.t('Use {0}', current)}`, action: 'choose' as const },
      ...(current !== DAM_ROOT ? [{ label: '$(arrow-up) ..', description: vscode.l10n.t('Parent folder'), action: 'up' as const }] : []),
    ];
    const loadMore = async (): Promise<void> => {
      if (nextOffset === undefined) return;
      qp.busy = true;
      try {
        const page = await deps.listFolder(current, nextOffset, abort.signal);
        for (const e of page.entries) if (e.kind === 'folder') entries.push({ label: `$(folder) ${e.name}`, description: e.title && e.title !== e.name ? e.title : undefined, path: e.path } as vscode.QuickPickItem);
        nextOffset = page.nextOffset;
      } catch (e) {
        nextOffset = undefined;
        if (!(isAemError(e) && e.kind === 'cancelled')) qp.placeholder = describeError(e);
      } finally {
        qp.busy = false;
      }
      const more = nextOffset !== undefined ? [{ label: `$(ellipsis) ${vscode.l10n.t('Load more folders')}`, action: 'more' as const }] : [];
      qp.items = [...head, ...entries, ...more];
    };
    qp.items = head;
    void loadMore();
    const choice = await new Promise<(vscode.QuickPickItem & { path?: string; action?: string }) | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item && (item as { action?: string }).action === 'more') {
          void loadMore();
          return;
        }
        resolve(item);
      });
      qp.onDidHide(() => resolve(undefined));
    });
    abort.abort();
    qp.dispose();
    if (!choice) return undefined;
    if (choice.action === 'choose') return current;
    if (choice.action === 'up') current = current.slice(0, current.lastIndexOf('/')) || DAM_ROOT;
    else if (choice.path) current = choice.path;
  }
}
