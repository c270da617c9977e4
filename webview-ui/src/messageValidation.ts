// Checks a message from the Ignition Config Editor's webview by shape before
// the host acts on it: the webview runs a document's data in a browser
// context, so what arrives is untrusted until checked, never just cast. One
// small check per message kind of WebviewToHost (./messages.ts, shared by both
// sides); anything else (unknown type, extra keys, wrong types, a path with a
// negative or fractional index, a value that is not JSON, nesting beyond what
// a config has) is refused with the reason. Linear in the message size.

import type { WebviewToHost } from './messages';

export type Checked<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

/** Deeper than any Ignition config; bounds the work on a hostile message. */
export const MAX_JSON_DEPTH = 64;
export const MAX_PATH_LENGTH = 32;

type Fields = Record<string, unknown>;

const isFields = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));

const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Why `m` has keys other than `allowed`, if it does. */
function extraKeys(m: Fields, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(m).filter((k) => !allowed.includes(k));
  return extra.length ? `unexpected ${extra.map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}` : undefined;
}

function pathProblem(p: unknown): string | undefined {
  if (!Array.isArray(p)) return 'path is not an array';
  if (p.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH}`;
  const bad = p.findIndex((s) => !(typeof s === 'string' || (typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)));
  return bad >= 0 ? `path[${bad}] is neither a key nor an index` : undefined;
}

/** Why `v` is not a JSON value (iterative: no recursion depth to exhaust). */
export function jsonValueProblem(v: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: v, depth: 0 }];
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'value holds a number JSON cannot have';
      continue;
    }
    if (depth >= MAX_JSON_DEPTH) return `value is nested deeper than ${MAX_JSON_DEPTH}`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
    } else if (isFields(value)) {
      for (const item of Object.values(value)) stack.push({ value: item, depth: depth + 1 });
    } else {
      return `value holds ${typeof value}, not JSON`;
    }
  }
  return undefined;
}

const offsetProblem = (name: string, n: unknown): string | undefined =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? undefined : `${name} is not a whole number >= 0`;

/** A message's type for the log: quoted and cut short. */
export function describeType(type: unknown): string {
  return `type ${(JSON.stringify(type) ?? String(type)).slice(0, 40)}`;
}

/** The message as WebviewToHost, or why it is not one. */
export function checkWebviewToHost(m: unknown): Checked<WebviewToHost> {
  if (!isFields(m)) return refuse('not an object');
  const problem = ((): string | undefined => {
    switch (m.type) {
      case 'ready':
      case 'testInVm':
        return extraKeys(m, ['type']);
      case 'set':
        // JSON transport drops `value: undefined`: a set without value removes.
        return extraKeys(m, ['type', 'path', 'value']) ?? pathProblem(m.path) ?? (m.value === undefined ? undefined : jsonValueProblem(m.value));
      case 'append':
        return extraKeys(m, ['type', 'path', 'value']) ?? pathProblem(m.path) ?? (m.value === undefined ? 'append without a value' : jsonValueProblem(m.value));
      case 'remove':
        return extraKeys(m, ['type', 'path']) ?? pathProblem(m.path);
      case 'reveal':
        return extraKeys(m, ['type', 'offset', 'length']) ?? offsetProblem('offset', m.offset) ?? offsetProblem('length', m.length);
      default:
        return 'unknown message type';
    }
  })();
  return problem === undefined ? { ok: true, message: m as WebviewToHost } : refuse(`${describeType(m.type)}: ${problem}`);
}
