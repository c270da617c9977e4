// External kola test naming and metadata, against the rules of kola's
// registerTestDir/metadataFromTestBinary (test/fixtures/kola/UPSTREAM.md).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverExternalTests, externalTestPrefix, KolaNode } from '../../src/cosa/kolaDiscovery';
import { parse as parseYaml } from 'yaml';
import { KolaMetaError, NOT_SIMPLE, parseInlineMeta, parseKolaJson, simpleYamlMapping } from '../../src/cosa/kolaTestMeta';
import { readKolaDir } from '../../src/engine/kolaTree';
import { scaffoldKolaTest } from '../../src/cosa/kolaScaffold';

const exe = (name: string, text = '#!/bin/bash\ntrue\n'): KolaNode => ({ name, type: 'file', mode: 0o755, text });
const file = (name: string, text = ''): KolaNode => ({ name, type: 'file', mode: 0o644, text });
const dir = (name: string, ...children: KolaNode[]): KolaNode => ({ name, type: 'dir', children });
const names = (children: KolaNode[], prefix?: string): string[] => discoverExternalTests(children, prefix).tests.map((t) => t.name);

describe('kola external test discovery', () => {
  it('names tests ext.<project>.<dir>.<exe>, nested directories joined with dots', () => {
    assert.deepEqual(names([dir('basic', exe('noop')), dir('a', dir('b', exe('c')))]), ['ext.config.a.b.c', 'ext.config.basic.noop']);
  });

  it('drops test.sh from the name only when it is the directory\'s single executable', () => {
    assert.deepEqual(names([dir('ign', exe('test.sh'))]), ['ext.config.ign']);
    assert.deepEqual(names([dir('two', exe('test.sh'), exe('other'))]), ['ext.config.two.other', 'ext.config.two.test.sh']);
    assert.deepEqual(names([dir('one', exe('run.sh'))]), ['ext.config.one.run.sh']);
  });

  it('counts only the others execute bit, like kola (mode & 0001)', () => {
    const t = names([dir('d', { name: 'owner-only', type: 'file', mode: 0o744, text: '#!/bin/bash\n' }, { name: 'world', type: 'file', mode: 0o701, text: '' })]);
    assert.deepEqual(t, ['ext.config.d.world']);
  });

  it('registers executables at tests/kola itself under the bare prefix', () => {
    assert.deepEqual(names([exe('test.sh')]), ['ext.config']);
    assert.deepEqual(names([exe('x')], 'ext.myproj'), ['ext.myproj.x']);
  });

  it('derives the prefix from the project directory\'s basename', () => {
    assert.equal(externalTestPrefix('src/config'), 'ext.config');
    assert.equal(externalTestPrefix('/srv/src/config/'), 'ext.config');
    assert.equal(externalTestPrefix('/home/me/my-project'), 'ext.my-project');
  });

  it('does not descend into data/ and records it as the test data', () => {
    const d = discoverExternalTests([dir('t', exe('test.sh'), dir('data', exe('helper')))]);
    assert.deepEqual(d.tests.map((t) => [t.name, t.dataDir]), [['ext.config.t', 't/data']]);
  });

  it('registers subdirectories before the directory\'s own executables, in name order', () => {
    assert.deepEqual(names([dir('p', exe('z'), dir('a', exe('x')), exe('b'))]), ['ext.config.p.a.x', 'ext.config.p.b', 'ext.config.p.z']);
  });

  it('takes the later of config.bu and config.ign in name order', () => {
    const d = discoverExternalTests([dir('t', file('config.bu'), file('config.ign'), exe('test.sh')), dir('u', file('config.bu'), exe('test.sh'))]);
    assert.deepEqual(d.tests.map((t) => t.config), ['config.ign', 'config.bu']);
  });

  it('skips the rest of a directory after config.fcc (kola returns a nil error) and says so', () => {
    const d = discoverExternalTests([dir('t', dir('a', exe('first')), file('config.fcc'), dir('z', exe('later')), exe('test.sh'))]);
    assert.deepEqual(d.tests.map((t) => t.name), ['ext.config.t.a.first']);
    assert.match(d.warnings[0], /config\.fcc is not supported anymore/);
    assert.equal(d.error, undefined);
  });

  it('warns about a non-executable file with a shebang', () => {
    const d = discoverExternalTests([dir('t', file('forgot-chmod', '#!/bin/bash'))]);
    assert.deepEqual(d.tests, []);
    assert.match(d.warnings[0], /non-executable file with shebang: tests\/kola\/t\/forgot-chmod/);
  });

  it('fails like kola on a broken symlink, a duplicate name, conflicts on an exclusive test', () => {
    assert.match(discoverExternalTests([dir('t', { name: 'gone', type: 'broken', error: 'no such file or directory' })]).error ?? '', /stat tests\/kola\/t\/gone: no such file/);
    // a/b.c and a.b/c both give ext.config.a.b.c
    assert.match(discoverExternalTests([dir('a', dir('b', exe('c'))), dir('a.b', exe('c'))]).error ?? '', /test ext\.config\.a\.b\.c already registered/);
    assert.match(discoverExternalTests([dir('t', exe('x', '#!/bin/sh\n# kola: {"conflicts": ["y"]}\n'))]).error ?? '', /exclusive test cannot have non-empty conflicts/);
  });

  it('reads inline JSON metadata and makes tags ["external", ...]', () => {
    const [t] = discoverExternalTests([dir('t', exe('x', '#!/bin/bash\nset -xeuo pipefail\n# kola: { "architectures": "!s390x ppc64le", "tags": "needs-internet  othertag", "timeoutMin": 8, "minMemory": 4096, "additionalDisks": ["5G"] }\n'))]).tests;
    assert.equal(t.metaSource, 'json');
    assert.equal(t.metaLine, 3);
    assert.deepEqual(t.tags, ['external', 'needs-internet', 'othertag']);
    assert.equal(t.meta.timeoutMin, 8);
    assert.equal(t.meta.minMemory, 4096);
    assert.deepEqual(t.meta.additionalDisks, ['5G']);
    assert.equal(t.meta.exclusive, true);
  });

  it('reads ## kola: YAML metadata (comments allowed)', () => {
    const [t] = discoverExternalTests([dir('t', exe('x', '#!/bin/bash\n## kola:\n##   platforms: "aws gcp"  # azure pending\n##   exclusive: false\n##   description: d\nset -e\n'))]).tests;
    assert.equal(t.metaSource, 'yaml');
    assert.equal(t.meta.platforms, 'aws gcp');
    assert.equal(t.meta.exclusive, false);
    assert.equal(t.meta.description, 'd');
  });

  it('parses kola.json but does not apply it when the executable has no metadata (upstream issue 4392)', () => {
    const [t] = discoverExternalTests([dir('t', file('kola.json', '{"tags": "x", "timeoutMin": 3}'), exe('test.sh'))]).tests;
    assert.equal(t.metaSource, 'none');
    assert.equal(t.kolaJsonIgnored, true);
    assert.deepEqual(t.tags, ['external']);
    assert.equal(t.meta.exclusive, true);
    // ... while a malformed kola.json still stops kola
    assert.match(discoverExternalTests([dir('t', file('kola.json', '{"tagz": "x"}'), exe('test.sh'))]).error ?? '', /parsing tests\/kola\/t\/kola\.json: unknown field "tagz"/);
  });

  it('falls back to kola.json (zero value: exclusive false) only for a YAML block decoding to null', () => {
    const [t] = discoverExternalTests([dir('t', file('kola.json', '{"tags": "fromjson"}'), exe('test.sh', '#!/bin/sh\n## kola:\n## \nrest\n'))]).tests;
    assert.equal(t.metaSource, 'kola.json');
    assert.deepEqual(t.tags, ['external', 'fromjson']);
    assert.equal(t.meta.exclusive, false);
  });

  it('reads a real directory tree through the engine (symlinks followed, modes from disk)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kola-tree-'));
    try {
      fs.mkdirSync(path.join(root, 'basic', 'data'), { recursive: true });
      fs.writeFileSync(path.join(root, 'basic', 'test.sh'), '#!/bin/bash\n# kola: {"tags": "t1"}\n', { mode: 0o755 });
      fs.writeFileSync(path.join(root, 'basic', 'README'), 'notes\n');
      fs.mkdirSync(path.join(root, 'real'));
      fs.writeFileSync(path.join(root, 'real', 'check'), '#!/bin/bash\n', { mode: 0o755 });
      fs.symlinkSync('real', path.join(root, 'linked'));
      const d = discoverExternalTests(await readKolaDir(root));
      assert.deepEqual(d.tests.map((t) => [t.name, t.tags.join(' '), t.dataDir ?? '']), [
        ['ext.config.basic', 'external t1', 'basic/data'],
        ['ext.config.linked.check', 'external', ''],
        ['ext.config.real.check', 'external', ''],
      ]);
      assert.deepEqual(await readKolaDir(path.join(root, 'missing')), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kola test metadata', () => {
  it('kola.json: strict keys, Go types, null leaves a field unset, keys case-insensitive (encoding/json)', () => {
    const m = parseKolaJson('{"Tags": "a b", "exclusive": null, "requiredHostPorts": [80], "bootFrom": "iso"}');
    assert.equal(m.tags, 'a b');
    assert.equal(m.exclusive, false);
    assert.deepEqual(m.requiredHostPorts, [80]);
    assert.equal(m.bootFrom, 'iso');
    assert.deepEqual(parseKolaJson('null').tags, '');
    for (const [text, msg] of [
      ['{"tags": ["a"]}', /cannot unmarshal array into field tags of type string/],
      ['{"minMemory": "4096"}', /cannot unmarshal string into field minMemory of type int/],
      ['{"timeoutMin": 1.5}', /field timeoutMin of type int/],
      ['{"exclusive": "yes"}', /field exclusive of type bool/],
      ['{"additionalDisks": "5G"}', /field additionalDisks of type \[\]string/],
      ['[]', /expected an object, found array/],
      ['', /parsing kola\.json: EOF/],
      ['{"tags": "a",}', /parsing kola\.json: /],
    ] as const) {
      assert.throws(() => parseKolaJson(text), (e: Error) => e instanceof KolaMetaError && msg.test(e.message), text);
    }
  });

  it('inline: only complete lines of the first 8 KiB; an unterminated YAML block is ignored like kola does', () => {
    assert.equal(parseInlineMeta('#!/bin/sh\n# kola: {"tags": "x"}').source, 'none');
    const late = `#!/bin/sh\n${'#'.repeat(8200)}\n# kola: {"tags": "x"}\n`;
    assert.equal(parseInlineMeta(late).source, 'none');
    assert.equal(parseInlineMeta('#!/bin/sh\n## kola:\n##   tags: x\n').meta?.tags, '');
    assert.equal(parseInlineMeta('#!/bin/sh\n## kola:\n##   tags: x\necho\n').meta?.tags, 'x');
  });

  it('inline errors: both prefixes, two YAML blocks, unknown keys, YAML syntax', () => {
    assert.throws(() => parseInlineMeta('## kola:\n# kola: {}\n'), /found both yaml and json test prefixes/);
    assert.throws(() => parseInlineMeta('## kola:\n## kola:\n'), /found multiple ## kola:/);
    assert.throws(() => parseInlineMeta('## kola:\n##   Tags: x\nx\n'), /unknown field "Tags"/);
    assert.throws(() => parseInlineMeta('# kola: {"tags": }\n'), /parsing # kola: \{"tags": \}/);
    assert.throws(() => parseInlineMeta('## kola:\n##   tags: [\nx\n'), /yaml: /);
  });
});

describe('New Kola Test scaffolding', () => {
  it('writes an executable test.sh whose metadata kola parses, named like kola names it', () => {
    const r = scaffoldKolaTest('network/dns', { withButane: true });
    assert.ok(!('error' in r));
    assert.equal(r.testName, 'ext.config.network.dns');
    const tree: KolaNode[] = [dir('network', dir('dns', ...r.files.map((f): KolaNode => ({ name: f.path.split('/').pop()!, type: 'file', mode: f.mode, text: f.content }))))];
    const d = discoverExternalTests(tree);
    assert.equal(d.error, undefined);
    assert.deepEqual(d.tests.map((t) => [t.name, t.metaSource, t.meta.timeoutMin, t.config]), [['ext.config.network.dns', 'yaml', 5, 'config.bu']]);
    assert.match(r.files[0].content, /^#!\/bin\/bash\n/);
  });

  it('refuses names kola would read differently', () => {
    for (const bad of ['', 'a.b', '../x', 'x/data', '-x', 'a b']) {
      assert.ok('error' in scaffoldKolaTest(bad), bad);
    }
  });
});

describe('the metadata fast path agrees with the YAML parser', () => {
  it('gives the parser\'s value for every block it takes, and leaves the rest to it', () => {
    const blocks = [
      '  tags: "x y"\n  exclusive: false\n  description: t1\n', 'tags: needs-internet\n', '  timeoutMin: 8\n  minMemory: 4096\n',
      "  platforms: 'aws gcp'  # azure pending\n", '  description: a test. with dots/slashes!\n', '  tags: yes\n', '  tags: 1.5\n',
      '  tags: [a]\n', '  a: 1\n   b: 2\n', '  a: 1\n  a: 2\n', '  x: "a\\"b"\n', '  x: 0x10\n', '  x: ~\n', '  x:\n', '  x: -1\n', '  x: 007\n',
      '  nested:\n    k: v\n', '  x: a: b\n', '\n', '# only a comment\n', '  x: a #b\n', '  x: a# b\n',
    ];
    let taken = 0;
    for (const b of blocks) {
      const fast = simpleYamlMapping(b);
      if (fast !== NOT_SIMPLE) {
        taken++;
        assert.deepEqual(fast, parseYaml(b), JSON.stringify(b));
      }
    }
    assert.ok(taken >= 8, `fast path took ${taken} blocks`);
  });
});
