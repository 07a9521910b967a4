/** Turns what the workbench forwards from the extension host (console calls) back into terminal lines. */
import { format } from 'node:util';

/** Forwarded console calls may carry browser styling (`%c` plus a CSS argument); `util.format` drops both. */
export function formatForwarded(args: unknown[]): string {
  const parts = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
  return format(...parts).replace(/^\[Extension Host\] /, '');
}
