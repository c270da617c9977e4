// Butane -> Ignition with the butane of the cosa container:
// `cosa shell butane --strict [--files-dir DIR] FILE.bu` (the real cosa image
// ships butane). The argv, what its stderr means (error lines mapped back to
// positions in the .bu), and its stdout (compact JSON). Pure: no process, no
// file system.

import * as path from 'node:path';

/** How the extension runs butane; `pretty` indents the JSON (`--pretty`), `filesDir` passes `--files-dir`. */
export interface ButaneRunOptions {
  readonly filesDir?: boolean;
  readonly pretty?: boolean;
}

/**
 * `shell butane --strict [--pretty] [--files-dir <dir of the .bu>] <file.bu>`,
 * paths as the container sees them. `--files-dir` lets `local:` references
 * resolve relative to the config, as `butane -d` does on the command line.
 */
export function butaneArgs(containerButanePath: string, options: ButaneRunOptions = {}): string[] {
  const dir = path.posix.dirname(containerButanePath);
  return [
    'shell', 'butane', '--strict',
    ...(options.pretty ? ['--pretty'] : []),
    ...(options.filesDir === false ? [] : ['--files-dir', dir]),
    containerButanePath,
  ];
}

/** The `.ign` written next to a `.bu`: `a/b/name.bu` -> `a/b/name.ign`. */
export function ignitionPathFor(butanePath: string): string {
  return /\.bu$/i.test(butanePath) ? butanePath.replace(/\.bu$/i, '.ign') : `${butanePath}.ign`;
}

export interface ButaneMessage {
  readonly level: 'error' | 'warning' | 'info';
  /** 1-based; 0 when butane gave none. */
  readonly line: number;
  /** 1-based; 0 when butane gave none. */
  readonly column: number;
  /** `$.storage.files.0.path`, '' when none. */
  readonly path: string;
  readonly message: string;
}

// Butane prints its report in one of two forms (butane's internal/report):
// - raw, one line per entry (butane < 0.29, or `--raw-errors`): vcontext's
//   `error at $.x.0, line 3 col 5: msg`, `error at line 3 col 5: msg`,
//   `warning at $.x: msg`, `error: msg`;
// - pretty (butane >= 0.29 by default), a block per entry with a position:
//   `error[$.x.0]:` / `error:`, `  --> FILE:LINE:COL`, an excerpt with the
//   message after the `^^^` under the column; entries without a position stay raw.
// Both end with `Error translating config: ...` when the translation failed.

// vcontext report entries: `error at $.x.0, line 3 col 5: msg`, `warning at $.x: msg`, `error: msg`
const ENTRY = /^(error|warning|info)(?: at (\$[^,:]*?)(?:, line (\d+) col (\d+))?)?: (.*)$/;
// an entry with a position but no path (vcontext prints ` at line L col C`)
const ENTRY_AT_POSITION = /^(error|warning|info) at line (\d+) col (\d+): (.*)$/;
// yaml errors (go-yaml v3): `yaml: line 4: did not find expected key`, `yaml: unmarshal errors:\n  line 3: cannot ...`;
// a syntax error comes wrapped in butane's ErrUnmarshal (`Error unmarshaling yaml: yaml: line 4: ...`)
const YAML_LINE = /^(?:Error translating config: )?(?:Error unmarshaling yaml: )?(?:error: )?yaml: line (\d+)(?:, column (\d+))?: (.*)$/;
const YAML_DETAIL = /^\s+line (\d+)(?:, column (\d+))?: (.*)$/;
const TRANSLATE_ERR = /^Error translating config: (.*)$/;
const STRICT = /^Config produced warnings and --strict was specified$/;
// `--color=always` (or a terminal): SGR sequences around the kind, arrow, gutter and carets
// eslint-disable-next-line no-control-regex -- ESC is what is matched
const SGR = /\x1b\[[0-9;]*m/g;

type Level = ButaneMessage['level'];
const LEVELS: readonly string[] = ['error', 'warning', 'info'];

/** butane's stderr (either report form) -> messages with positions in the source (1-based). */
export function parseButaneOutput(stderr: string): ButaneMessage[] {
  const lines = stderr.replace(SGR, '').split(/\r?\n/);
  const out: ButaneMessage[] = [];
  let inYamlList = false;
  for (let i = 0; i < lines.length; i++) {
    const pretty = prettyEntryAt(lines, i);
    if (pretty) {
      inYamlList = false;
      out.push(pretty.message);
      i = pretty.last;
      continue;
    }
    const line = lines[i]!.trimEnd(); // what /\s+$/ removes, without its quadratic backtracking
    if (!line) continue;
    let m = ENTRY.exec(line);
    if (m) {
      inYamlList = false;
      out.push({ level: m[1] as Level, path: m[2] ?? '', line: m[3] ? Number(m[3]) : 0, column: m[4] ? Number(m[4]) : 0, message: m[5]! });
      continue;
    }
    m = ENTRY_AT_POSITION.exec(line);
    if (m) {
      inYamlList = false;
      out.push({ level: m[1] as Level, path: '', line: Number(m[2]), column: Number(m[3]), message: m[4]! });
      continue;
    }
    m = YAML_LINE.exec(line);
    if (m) {
      inYamlList = false;
      out.push({ level: 'error', path: '', line: Number(m[1]), column: m[2] ? Number(m[2]) : 0, message: `yaml: ${m[3]!}` });
      continue;
    }
    if (/(^|: )yaml: unmarshal errors:$/.test(line)) {
      inYamlList = true;
      continue;
    }
    m = YAML_DETAIL.exec(line);
    if (m && inYamlList) {
      out.push({ level: 'error', path: '', line: Number(m[1]), column: m[2] ? Number(m[2]) : 0, message: `yaml: ${m[3]!}` });
      continue;
    }
    inYamlList = false;
    if (STRICT.test(line)) {
      continue;
    }
    m = TRANSLATE_ERR.exec(line);
    if (m && !out.some((e) => e.level === 'error')) {
      out.push({ level: 'error', path: '', line: 0, column: 0, message: m[1]! });
    }
  }
  return out;
}

/** `error[$.a.0]:` / `warning:` -> level and path; anything else -> undefined. */
function prettyHeader(line: string): { level: Level; path: string } | undefined {
  if (!line.endsWith(':')) return undefined;
  const bracket = line.indexOf('[');
  const level = bracket < 0 ? line.slice(0, -1) : line.slice(0, bracket);
  if (!LEVELS.includes(level)) return undefined;
  if (bracket < 0) return { level: level as Level, path: '' };
  if (!line.endsWith(']:')) return undefined;
  return { level: level as Level, path: line.slice(bracket + 1, -2) };
}

/** `  --> FILE:LINE:COL` (FILE may contain colons) -> line and column. */
function prettyArrow(line: string | undefined): { line: number; column: number } | undefined {
  if (!line?.startsWith('  --> ')) return undefined;
  const colAt = line.lastIndexOf(':');
  const lineAt = line.lastIndexOf(':', colAt - 1);
  const num = (s: string): number => (/^[1-9]\d*$/.test(s) ? Number(s) : NaN);
  const l = num(line.slice(lineAt + 1, colAt));
  const c = num(line.slice(colAt + 1));
  return lineAt > 5 && l > 0 && c > 0 ? { line: l, column: c } : undefined;
}

/**
 * The pretty entry whose header is lines[i]: ` {w} |`, the excerpt rows
 * ` {n} | text` (at most 2 around the entry's line), the underline row
 * ` {w} | {col-1 spaces}^^^ message` (the message may span lines), ` {w} |`.
 */
function prettyEntryAt(lines: readonly string[], i: number): { message: ButaneMessage; last: number } | undefined {
  const head = prettyHeader(lines[i]!);
  const at = head && prettyArrow(lines[i + 1]);
  const gutterRow = lines[i + 2];
  if (!head || !at || gutterRow === undefined || !/^ +\|$/.test(gutterRow) || gutterRow.length < 4) return undefined;
  const width = gutterRow.length - 3;
  const blank = `${' '.repeat(width + 1)} |`;
  const numbered = new RegExp(`^ [ \\d]{${width}} \\|(?: |$)`);
  const message: string[] = [];
  let underlined = false;
  let j = i + 3;
  for (; j < lines.length; j++) {
    const row = lines[j]!;
    if (row === blank) {
      if (underlined) break;
      continue;
    }
    if (!underlined && row.startsWith(`${blank} `)) {
      underlined = true;
      message.push(afterCarets(row.slice(blank.length + 1 + at.column - 1)));
      continue;
    }
    if (numbered.test(row) && row.slice(1, width + 1).trim() !== '') {
      if (underlined) break;
      continue;
    }
    if (!underlined) return undefined;
    message.push(row);
  }
  const last = j < lines.length && lines[j] === blank ? j : j - 1;
  return { message: { level: head.level, path: head.path, line: at.line, column: at.column, message: message.join('\n').trimEnd() }, last };
}

/** `^^^ message` -> `message` (no carets when the column is on a space). */
function afterCarets(s: string): string {
  let k = 0;
  while (s[k] === '^') k++;
  return s.slice(k + 1);
}

/** A finding as a person reads it: case, spacing and a trailing ` ($.path)` do not matter. */
function normalizedFinding(message: string): string {
  return message.replace(/ \(\$[^()]*\)$/, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * butane's messages minus those another check already shows at the same line
 * with the same words (the live check's `unused key x` is Translate's
 * `Unused key x`), so Problems lists each finding once.
 */
export function withoutDuplicates(messages: readonly ButaneMessage[], shown: readonly { readonly line: number; readonly message: string }[]): ButaneMessage[] {
  const seen = new Set(shown.map((f) => `${f.line}\0${normalizedFinding(f.message)}`));
  return messages.filter((m) => !seen.has(`${m.line}\0${normalizedFinding(m.message)}`));
}

/** True when the container has no butane (the shell's exec or bash said so). */
export function butaneMissing(output: string, exitCode: number): boolean {
  return exitCode === 127 || /\bbutane: (?:command )?not found\b|exec: "?butane"?: executable file not found/.test(output);
}

/** butane's stdout as lines (one for compact JSON, many for `--pretty`) -> the Ignition text, or why not. */
export function ignitionFromStdout(lines: readonly string[]): { readonly text: string } | { readonly error: string } {
  const text = lines.join('\n').trim();
  if (!text) {
    return { error: 'butane printed no Ignition config' };
  }
  try {
    JSON.parse(text);
  } catch (e) {
    return { error: `butane's output is not JSON (${(e as Error).message})` };
  }
  return { text: `${text}\n` };
}

