// Butane -> Ignition with the butane of the cosa container:
// `cosa shell butane --strict [--files-dir DIR] FILE.bu` (the real cosa image
// ships butane). The argv, what its stderr means (error lines mapped back to
// positions in the .bu), and its stdout (compact JSON). Pure: no process, no
// file system.

import * as path from 'node:path';

/**
 * `shell butane --strict [--files-dir <dir of the .bu>] <file.bu>`, paths as
 * the container sees them. `--files-dir` lets `local:` references resolve
 * relative to the config, as `butane -d` does on the command line.
 */
export function butaneArgs(containerButanePath: string, filesDir = true): string[] {
  const dir = path.posix.dirname(containerButanePath);
  return ['shell', 'butane', '--strict', ...(filesDir ? ['--files-dir', dir] : []), containerButanePath];
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

// vcontext report entries: `error at $.x.0, line 3 col 5: msg`, `warning at $.x: msg`, `error: msg`
const ENTRY = /^(error|warning|info)(?: at (\$[^,:]*?)(?:, line (\d+) col (\d+))?)?: (.*)$/;
// yaml errors (go-yaml v3): `yaml: line 4: did not find expected key`, `yaml: unmarshal errors:\n  line 3: cannot ...`
const YAML_LINE = /^(?:Error translating config: )?(?:error: )?yaml: line (\d+)(?:, column (\d+))?: (.*)$/;
const YAML_DETAIL = /^\s+line (\d+)(?:, column (\d+))?: (.*)$/;
const TRANSLATE_ERR = /^Error translating config: (.*)$/;
const STRICT = /^Config produced warnings and --strict was specified$/;

/** butane's stderr -> messages with positions in the source (1-based). */
export function parseButaneOutput(stderr: string): ButaneMessage[] {
  const out: ButaneMessage[] = [];
  let inYamlList = false;
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.trimEnd(); // what /\s+$/ removes, without its quadratic backtracking
    if (!line) continue;
    let m = ENTRY.exec(line);
    if (m) {
      inYamlList = false;
      out.push({ level: m[1] as ButaneMessage['level'], path: m[2] ?? '', line: m[3] ? Number(m[3]) : 0, column: m[4] ? Number(m[4]) : 0, message: m[5]! });
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

/** True when the container has no butane (the shell's exec or bash said so). */
export function butaneMissing(output: string, exitCode: number): boolean {
  return exitCode === 127 || /\bbutane: (?:command )?not found\b|exec: "?butane"?: executable file not found/.test(output);
}

/** butane's stdout (compact JSON, pieces as they arrived) -> the Ignition text, or why not. */
export function ignitionFromStdout(pieces: readonly string[]): { readonly text: string } | { readonly error: string } {
  const text = pieces.join('').trim();
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

