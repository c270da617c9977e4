// A new external kola test directory under tests/kola: an executable
// test.sh with the standard header and inline metadata (the form kola
// applies, see test/fixtures/kola/UPSTREAM.md), optionally a config.bu.
// Pure: returns the files to write.

export interface ScaffoldFile {
  /** Relative to tests/kola. */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export type ScaffoldResult = { readonly files: ScaffoldFile[]; readonly testName: string } | { readonly error: string };

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** `dir` like `basic` or `network/dns`; the test is `ext.config.<dir with dots>`. */
export function scaffoldKolaTest(dir: string, options: { withButane?: boolean; prefix?: string } = {}): ScaffoldResult {
  const parts = dir.trim().replace(/^\/+|\/+$/g, '').split('/');
  if (parts.length === 0 || parts[0] === '') {
    return { error: 'give the test a directory name, e.g. "basic" or "network/dns"' };
  }
  for (const p of parts) {
    if (!SEGMENT.test(p)) {
      return { error: `"${p}": use letters, digits, "-" and "_" (a "." would make kola's dotted test name ambiguous)` };
    }
    if (p === 'data') {
      return { error: '"data" is the test data directory, kola does not look for tests in it' };
    }
  }
  const testName = `${options.prefix ?? 'ext.config'}.${parts.join('.')}`;
  const rel = parts.join('/');
  const files: ScaffoldFile[] = [{
    path: `${rel}/test.sh`,
    mode: 0o755,
    content: [
      '#!/bin/bash',
      '## kola:',
      '##   # metadata keys: see coreos-assembler docs/kola/external-tests.md',
      '##   tags: ""',
      '##   timeoutMin: 5',
      `##   description: ${testName}`,
      'set -xeuo pipefail',
      '',
      '# Runs as root on a fresh machine; exit non-zero to fail.',
      `echo "ok \${KOLA_TEST}"`,
      '',
    ].join('\n'),
  }];
  if (options.withButane) {
    files.push({
      path: `${rel}/config.bu`,
      mode: 0o644,
      content: ['variant: fcos', 'version: 1.5.0', 'storage:', '  files:', '    - path: /etc/kola-test-marker', '      contents:', `        inline: ${testName}`, ''].join('\n'),
    });
  }
  return { files, testName };
}
