/** Command titles and view names as a person reads them: package.json with its %placeholders% resolved. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../support/paths';

interface RawManifest {
  contributes: {
    menus?: { commandPalette?: { command: string; when?: string }[] };
    commands: { command: string; title: string; category?: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
  };
}

const nls = JSON.parse(readFileSync(join(paths.root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const raw = JSON.parse(readFileSync(join(paths.root, 'package.json'), 'utf8')) as RawManifest;

function localize(value: string): string {
  const key = /^%(.+)%$/.exec(value)?.[1];
  return key !== undefined ? (nls[key] ?? value) : value;
}

/**
 * "Category: Title" as the command palette lists it, by command id. `alwaysShown` leaves out commands whose
 * `menus.commandPalette` entry has a `when` clause (they depend on the connection state).
 */
export function paletteTitles(alwaysShown = false): Map<string, string> {
  const conditional = new Set((raw.contributes.menus?.commandPalette ?? []).map((entry) => entry.command));
  return new Map(
    raw.contributes.commands.filter((c) => !(alwaysShown && conditional.has(c.command))).map((c) => {
      const title = localize(c.title);
      return [c.command, c.category ? `${localize(c.category)}: ${title}` : title];
    }),
  );
}

export function paletteTitle(command: string): string {
  const title = paletteTitles().get(command);
  if (!title) throw new Error(`package.json does not contribute ${command}`);
  return title;
}

export function containerTitle(id: string): string {
  const container = raw.contributes.viewsContainers.activitybar.find((c) => c.id === id);
  if (!container) throw new Error(`package.json has no activity-bar container ${id}`);
  return localize(container.title);
}

export function viewName(container: string, id: string): string {
  const view = (raw.contributes.views[container] ?? []).find((v) => v.id === id);
  if (!view) throw new Error(`package.json has no view ${id}`);
  return localize(view.name);
}
