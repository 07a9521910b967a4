/** Parsing what the start wizard's user types; no `vscode` here, so it is unit-tested in Node. */

/** A comma- or newline-separated list, trimmed, without empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A local date or date-time as epoch ms. A date alone means the start of that day for "after" and
 * its last millisecond for "before", so "before 2024-05-31" includes the 31st.
 */
export function parseDate(text: string, bound: 'start' | 'end'): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const hasTime = m[4] !== undefined;
  const date = hasTime
    ? new Date(year, month, day, Number(m[4]), Number(m[5]), bound === 'end' ? 59 : 0, bound === 'end' ? 999 : 0)
    : bound === 'start'
      ? new Date(year, month, day, 0, 0, 0, 0)
      : new Date(year, month, day, 23, 59, 59, 999);
  // Reject dates that rolled over (2024-02-31).
  if (date.getFullYear() !== year || date.getMonth() !== month || date.getDate() !== day) return undefined;
  return date.getTime();
}
