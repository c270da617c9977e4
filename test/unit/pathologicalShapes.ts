/**
 * Inputs shaped to make a validator or log parser super-linear (issue 14:
 * many keys, a non-ASCII key on the same line, deep nesting, a long unit name
 * of `@`, many Butane files and keys, log lines that repeat a regex's parts,
 * `\r`-only progress output), each generated at about a given size. Shared by
 * the fuzz test (test/unit/linearTime.test.ts) and bench/linear.bench.ts.
 */

import { CosaPhaseTracker } from '../../src/cosa/buildPhases';
import { parseButaneOutput } from '../../src/cosa/butane';
import { CosaFailureCollector, parseCosaFailure, stripAnsi } from '../../src/cosa/cosaFailure';
import { KnownProblemCollector } from '../../src/cosa/knownProblems';
import { PullProgressAggregator } from '../../src/cosa/pullProgress';
import { LineSplitter } from '../../src/engine/lineSplitter';
import { validateButane, validateIgnition } from '../../src/ignition';

export type ShapeKind = 'ignition' | 'butane' | 'log-line' | 'stream';

export interface Shape {
  readonly name: string;
  readonly kind: ShapeKind;
  /** About `bytes` long (UTF-16 units). `rnd` varies the content where a shape allows it. */
  make(bytes: number, rnd?: () => number): string;
}

const repeatTo = (unit: (i: number) => string, bytes: number, head = '', tail = ''): string => {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    size += u.length;
  }
  parts.push(tail);
  return parts.join('');
};

const IGN_HEAD = '{"ignition":{"version":"3.3.0"}';

export const SHAPES: readonly Shape[] = [
  { name: 'ignition: unknown keys on one line', kind: 'ignition', make: (b) => repeatTo((i) => `,"k${i}":1`, b, IGN_HEAD, '}') },
  { name: 'ignition: unknown keys after a non-ASCII key', kind: 'ignition', make: (b) => repeatTo((i) => `,"k${i}":1`, b, `${IGN_HEAD},"é":1`, '}') },
  { name: 'ignition: repeated keys', kind: 'ignition', make: (b) => repeatTo(() => ',"k":[1]', b, IGN_HEAD, '}') },
  {
    name: 'ignition: nesting 5,000 deep, repeated',
    kind: 'ignition',
    make: (b) => repeatTo((i) => `,"d${i}":${'['.repeat(5000)}${']'.repeat(5000)}`, b, IGN_HEAD, '}'),
  },
  {
    name: 'ignition: nesting beyond 10,000 (syntax error)',
    kind: 'ignition',
    make: (b) => `${IGN_HEAD},"d":${'['.repeat(Math.max(10_001, b >> 1))}`,
  },
  {
    name: 'ignition: enabled unit named @@@…',
    kind: 'ignition',
    make: (b) => `{"ignition":{"version":"3.4.0"},"systemd":{"units":[{"name":"${'@'.repeat(b)}","enabled":true}]}}`,
  },
  {
    name: 'ignition: files, units, users (ordinary, big)',
    kind: 'ignition',
    make: (b) => {
      const files: string[] = [];
      const units: string[] = [];
      let size = 0;
      for (let i = 0; size < b; i++) {
        const f = JSON.stringify({ path: `/etc/app/conf-${i}.d/file-${i}.conf`, mode: 420, overwrite: true, user: { name: 'core' },
          contents: { source: `data:,setting-${i}%3Dvalue%0A`, verification: { hash: 'sha512-' + 'ab'.repeat(64) } } });
        files.push(f);
        size += f.length + 1;
        if (i % 10 === 0) {
          const u = JSON.stringify({ name: `app-${i}.service`, enabled: true, contents: `[Unit]\nDescription=App ${i}\n[Service]\nExecStart=/usr/bin/app ${i}\n[Install]\nWantedBy=multi-user.target\n` });
          units.push(u);
          size += u.length + 1;
        }
      }
      return `{"ignition":{"version":"3.3.0"},"storage":{"files":[${files.join(',')}]},"systemd":{"units":[${units.join(',')}]}}`;
    },
  },
  {
    name: 'butane: many files',
    kind: 'butane',
    make: (b) => repeatTo((i) => `    - path: /etc/f${i}\n      mode: 0644\n      contents:\n        inline: hello ${i}\n`, b, 'variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n'),
  },
  { name: 'butane: many unknown keys', kind: 'butane', make: (b) => repeatTo((i) => `k${i}: 1\n`, b, 'variant: fcos\nversion: 1.5.0\n') },
  { name: 'butane: many duplicate keys', kind: 'butane', make: (b) => repeatTo(() => 'k: 1\n', b, 'variant: fcos\nversion: 1.5.0\n') },
  {
    name: 'butane: keys with snake_case (mapped back from Ignition)',
    kind: 'butane',
    make: (b) => repeatTo((i) => `    - name: u${i}\n      password_hash: x\n      ssh_authorized_keys: [k]\n      no_user_group: true\n`, b, 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n'),
  },
  {
    name: 'butane: sequences nested 400 deep, repeated',
    kind: 'butane',
    make: (b) => repeatTo(() => `${'- '.repeat(400)}y\n`, b, 'variant: fcos\nversion: 1.5.0\nx:\n'),
  },
  { name: 'butane: sequences nested thousands deep', kind: 'butane', make: (b) => `variant: fcos\nversion: 1.5.0\nx:\n${'- '.repeat(Math.max(1000, b >> 1))}y\n` },
  {
    name: 'butane: mappings nested 200 deep, repeated',
    kind: 'butane',
    make: (b) => repeatTo((i) => Array.from({ length: 200 }, (_, d) => `${' '.repeat(d)}k${i}_${d}:`).join('\n') + ' x\n', b, 'variant: fcos\nversion: 1.5.0\n'),
  },
  {
    name: 'butane: mappings nested beyond 500 deep',
    kind: 'butane',
    make: (b) => 'variant: fcos\nversion: 1.5.0\n' + Array.from({ length: Math.max(600, Math.floor(Math.sqrt(2 * b))) }, (_, d) => `${' '.repeat(d)}k:`).join('\n') + ' x\n',
  },
  { name: 'butane: explicit keys nested 300 deep, repeated', kind: 'butane', make: (b) => repeatTo((i) => `${'? '.repeat(300)}k${i}\n: 1\n`, b, 'variant: fcos\nversion: 1.5.0\n') },
  { name: 'log: cosa failure "initializing source : : :"', kind: 'log-line', make: (b) => repeatTo(() => ': ', b, 'error: initializing source ') },
  { name: 'log: known problem "initializing source a:" repeated', kind: 'log-line', make: (b) => repeatTo(() => 'initializing source a:', b) },
  { name: 'log: butane stderr "a   …   b"', kind: 'log-line', make: (b) => `a${' '.repeat(Math.max(0, b - 2))}b` },
  { name: 'log: unterminated ANSI escapes', kind: 'log-line', make: (b) => repeatTo((i) => (i % 2 ? '\u001b[' + '0;'.repeat(20) : '\u001b]' + 'x'.repeat(20)), b, 'Error: ') },
  { name: 'log: "error at $" without a colon', kind: 'log-line', make: (b) => repeatTo(() => 'x', b, 'error at $') },
  {
    name: 'stream: \\r-only progress output',
    kind: 'stream',
    make: (b, rnd = Math.random) => repeatTo((i) => `Copying blob sha256:${(0xa1b2c3d4e5f0 + (i % 8)).toString(16)} ${Math.floor(rnd() * 100)} MiB / 100 MiB\r`, b),
  },
  {
    name: 'stream: build log lines',
    kind: 'stream',
    make: (b) => repeatTo((i) => (i % 50 === 0 ? `+ rpm-ostree compose tree --repo=/srv/tmp/repo manifest.yaml (step ${i})\n`
      : i % 97 === 0 ? `\u001b[1;31mfatal: something ${i} failed\u001b[0m\r\n` : `Installing package-${i}-1.0-1.fc41.x86_64 (${i}/100000)\n`), b),
  },
];

/** Every consumer of a build's output lines (src/vscode: tasks, failure and problem notifiers, pull progress, output channels). */
export class LineConsumers {
  readonly failure = new CosaFailureCollector();
  readonly problems = new KnownProblemCollector();
  readonly phases = new CosaPhaseTracker();
  readonly pull = new PullProgressAggregator();
  lines = 0;
  readonly splitter = new LineSplitter((line) => this.line(line));

  line(line: string): void {
    this.lines++;
    this.failure.push(line);
    this.problems.push(line);
    this.phases.push(line);
    this.pull.pushLine(line);
    stripAnsi(line);
  }

  /** Streamed text, as the process runner gets it. */
  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.failure.finish(1);
  }
}

/** One log line through every line consumer and the whole-output parsers. */
export function parseLogLine(line: string): void {
  const c = new LineConsumers();
  c.line(line);
  c.end();
  parseCosaFailure(line, 1);
  parseButaneOutput(line);
}

/** Feed a shape's input to what it targets: the validator, the log parsers, or the line consumers in chunks. */
export function runShape(shape: Shape, text: string, chunk = 65536): void {
  if (shape.kind === 'ignition') validateIgnition(text);
  else if (shape.kind === 'butane') validateButane(text);
  else if (shape.kind === 'log-line') parseLogLine(text);
  else {
    const c = new LineConsumers();
    for (let i = 0; i < text.length; i += chunk) c.push(text.slice(i, i + chunk));
    c.end();
  }
}
