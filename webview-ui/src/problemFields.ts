// Which field of the Ignition Config Editor a finding belongs to. Findings
// name a JSON path ("$.storage.files.0.path", ProblemView.path); fields carry
// theirs as data-key ("storage.files.0.path"). A finding goes to its own
// field, else to the nearest enclosing one the form shows (a card for a whole
// file or unit), else to none (it stays in the list only). Pure.

import type { ProblemView } from './messages';

/** "$.storage.files.0.path" -> "storage.files.0.path"; "" for the whole document. */
export function problemKey(path: string): string {
  return path.startsWith('$.') ? path.slice(2) : path === '$' ? '' : path;
}

/** The shown key a finding at `path` belongs to, if any. */
export function fieldKeyOf(path: string, shown: ReadonlySet<string>): string | undefined {
  let key = problemKey(path);
  while (key !== '') {
    if (shown.has(key)) return key;
    const dot = key.lastIndexOf('.');
    key = dot < 0 ? '' : key.slice(0, dot);
  }
  return undefined;
}

/** The findings of each shown key, in the order they came. */
export function problemsByField(problems: readonly ProblemView[], shown: ReadonlySet<string>): Map<string, ProblemView[]> {
  const out = new Map<string, ProblemView[]>();
  for (const p of problems) {
    const key = fieldKeyOf(p.path, shown);
    if (key === undefined) continue;
    const list = out.get(key);
    if (list) list.push(p);
    else out.set(key, [p]);
  }
  return out;
}
