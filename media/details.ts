/**
 * The job details page. Bundled by esbuild.mjs (browser, esm) into dist/webview/details.js together
 * with the webview UI toolkit, so a later move to its successor touches only this bundle.
 * Every server-supplied string is set with textContent: nothing from the server is parsed as HTML.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDivider,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import type { DetailsAction, DetailsStrings, DetailsView, HostToPage, PageToHost } from '../src/webview/protocol';

provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeButton(), vsCodeDataGrid(), vsCodeDataGridRow(), vsCodeDataGridCell(), vsCodeDivider(), vsCodeProgressRing());

interface VsCodeApi {
  postMessage(message: PageToHost): void;
  setState(state: { processingId: string }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

let strings: DetailsStrings | undefined;
const root = document.getElementById('root')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
function el(tag: string, attrs?: Record<string, string>, text?: string): HTMLElement;
function el(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Progress over time as a small line chart, drawn with DOM calls. */
function chart(view: DetailsView, label: string): SVGSVGElement {
  const width = 320;
  const height = 80;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const points = view.chart;
  const maxT = Math.max(1, ...points.map((p) => p.t));
  const maxY = Math.max(1, view.chartTotal ?? 0, ...points.map((p) => p.count));
  const axis = document.createElementNS(SVG, 'line');
  axis.setAttribute('x1', '0');
  axis.setAttribute('y1', String(height - 1));
  axis.setAttribute('x2', String(width));
  axis.setAttribute('y2', String(height - 1));
  axis.setAttribute('class', 'axis');
  svg.appendChild(axis);
  if (points.length > 1) {
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.map((p) => `${((p.t / maxT) * width).toFixed(1)},${(height - 2 - (p.count / maxY) * (height - 4)).toFixed(1)}`).join(' '));
    line.setAttribute('class', 'line');
    svg.appendChild(line);
  }
  return svg;
}

function render(view: DetailsView): void {
  if (!strings) return;
  const s = strings;
  vscode.setState({ processingId: view.processingId });
  // Keep keyboard focus on the same button across updates.
  const focused = document.activeElement?.getAttribute('data-action');
  root.replaceChildren();

  const header = el('header');
  header.append(el('h1', { id: 'title' }, view.title));
  const badge = el('vscode-badge', { class: `state state-${view.state}`, 'aria-label': `${view.stateLabel} (${view.status})` }, view.stateLabel);
  header.append(badge);
  root.append(header);
  root.append(el('p', { class: 'path', id: 'path' }, view.path));

  if (view.stale) {
    const stale = el('div', { class: 'stale', role: 'status' });
    stale.append(el('strong', {}, s.staleTitle + ' '), el('span', { id: 'stale-reason' }, `${view.stale.reason} (${view.stale.age})`));
    root.append(stale);
  }

  const progress = el('section', { 'aria-labelledby': 'progress-title' });
  progress.append(el('h2', { id: 'progress-title' }, s.progress));
  if (view.progress === undefined && view.active) {
    const counting = el('div', { class: 'counting' });
    counting.append(el('vscode-progress-ring', { 'aria-label': s.counting }), el('span', {}, view.progressText));
    progress.append(counting);
  } else {
    const value = Math.round((view.progress ?? 0) * 1000) / 10;
    const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(value), 'aria-label': s.progress });
    const fill = el('div', { class: `fill state-${view.state}` });
    fill.style.width = `${value}%`;
    bar.append(fill);
    progress.append(bar, el('p', { class: 'counts', id: 'counts' }, view.progressText));
  }
  const stats = el('dl', { class: 'stats' });
  if (view.etaText) {
    stats.append(el('dt', {}, s.eta), el('dd', { id: 'eta' }, view.etaEstimated ? `${view.etaText} (${s.estimate})` : view.etaText));
  }
  if (view.throughputText) stats.append(el('dt', {}, s.throughput), el('dd', { id: 'throughput' }, view.throughputText));
  if (stats.childElementCount > 0) progress.append(stats);
  if (view.chart.length > 1) progress.append(chart(view, s.chartLabel));
  root.append(progress);

  const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' });
  for (const action of view.actions) {
    const button = el('vscode-button', { 'data-action': action, appearance: action === view.actions[0] ? 'primary' : 'secondary' }, s.actions[action]);
    button.addEventListener('click', () => vscode.postMessage({ type: 'action', action: action as DetailsAction }));
    actions.append(button);
  }
  root.append(actions);
  if (focused) (actions.querySelector(`[data-action="${focused}"]`) as HTMLElement | null)?.focus();

  root.append(el('vscode-divider', { role: 'separator' }));
  const facts = el('section', { 'aria-labelledby': 'facts-title' });
  facts.append(el('h2', { id: 'facts-title' }, s.details));
  const grid = el('vscode-data-grid', { 'grid-template-columns': '12em 1fr', 'aria-label': s.details });
  for (const fact of view.facts) {
    const row = el('vscode-data-grid-row');
    row.append(el('vscode-data-grid-cell', { 'grid-column': '1', class: 'label' }, fact.label), el('vscode-data-grid-cell', { 'grid-column': '2' }, fact.value));
    grid.append(row);
  }
  facts.append(grid);
  if (view.comments !== undefined) {
    facts.append(el('h3', {}, s.comments), el('pre', { class: 'comments', id: 'comments' }, view.comments));
  }
  root.append(facts);

  vscode.postMessage({
    type: 'rendered',
    text: root.textContent ?? '',
    comment: document.getElementById('comments')?.textContent ?? null,
    elementCount: root.getElementsByTagName('*').length,
    scriptCount: document.getElementsByTagName('script').length,
    imgCount: document.getElementsByTagName('img').length,
    buttons: [...root.querySelectorAll('[data-action]')].map((b) => b.getAttribute('data-action') ?? ''),
  });
}

window.addEventListener('message', (event: MessageEvent<HostToPage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      strings = message.strings;
      break;
    case 'state':
      render(message.view);
      break;
    case 'gone':
      root.replaceChildren(el('p', { class: 'gone', role: 'status' }, message.message));
      break;
  }
});

vscode.postMessage({ type: 'ready' });
