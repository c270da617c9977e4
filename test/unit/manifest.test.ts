// The extension manifest (package.json) and its lockfile: what a user, VS Code and the marketplace
// read before any code runs.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

const repoRoot = path.resolve(__dirname, '..', '..');
const readJson = (rel: string): unknown => JSON.parse(fs.readFileSync(path.join(repoRoot, rel), 'utf8'));

interface Manifest {
  engines: { node: string; vscode: string };
  devDependencies: Record<string, string>;
  extensionKind?: string[];
  icon?: string;
  categories?: string[];
  repository?: { url?: string };
  bugs?: { url?: string };
  homepage?: string;
}
interface Lock { packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }> }

const manifest = readJson('package.json') as Manifest;

describe('package.json: the Node it promises', () => {
  // Debian 12's Node 20 (the CI machine of .ci/run) must install without EBADENGINE warnings.
  it('covers Node 20 as the README says', () => {
    assert.ok(semver.satisfies('20.19.0', manifest.engines.node), manifest.engines.node);
  });

  it('every locked package accepts the oldest Node of each line the manifest allows', () => {
    const lock = readJson('package-lock.json') as Lock;
    const oldest = new semver.Range(manifest.engines.node).set.map((comparators) => semver.minVersion(new semver.Range(comparators.map(String).join(' ')))!.version);
    assert.deepEqual(oldest, ['20.19.0', '22.13.0', '24.0.0']);
    const refused: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!where || !wanted) continue;
      for (const node of oldest) {
        if (!semver.satisfies(node, wanted)) refused.push(`${where}@${entry.version} wants node ${wanted}, not ${node}`);
      }
    }
    assert.deepEqual(refused, []);
  });
});

describe('package.json: where the extension runs', () => {
  // It runs podman and reads the build directory: in a remote window (Remote-SSH, Dev Containers, WSL,
  // Codespaces, code-server) it must run on the remote machine, never on the UI side.
  it('declares extensionKind workspace only', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });
});

describe('package.json: marketplace fields', () => {
  // VS Code's own list (EXTENSION_CATEGORIES of vs/platform/extensions/common/extensions.ts, as bundled
  // in code-server 4.139.1); another value is dropped by the marketplace.
  const CATEGORIES = ['AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Extension Packs', 'Education', 'Formatters', 'Keymaps',
    'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing',
    'Themes', 'Visualization', 'Other'];

  it('has a 128x128 PNG icon', () => {
    assert.ok(manifest.icon, 'no icon');
    const png = fs.readFileSync(path.join(repoRoot, manifest.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG (the marketplace refuses SVG icons)');
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('uses categories VS Code knows', () => {
    assert.ok(manifest.categories?.length, 'no categories');
    assert.deepEqual(manifest.categories.filter((c) => !CATEGORIES.includes(c)), []);
  });

  it('names its repository, issue tracker and homepage', () => {
    for (const url of [manifest.repository?.url, manifest.bugs?.url, manifest.homepage]) {
      assert.match(url ?? '', /^https:\/\/[^/]+\//);
    }
  });

  it('asks for the VS Code the e2e tests run (code-server 4.N.x bundles VS Code 1.N.x), and @types/vscode no newer', () => {
    const harness = readJson('test/harness/package.json') as { dependencies: Record<string, string> };
    const codeServer = semver.parse(harness.dependencies['code-server'])!;
    assert.equal(manifest.engines.vscode, `^1.${codeServer.minor}.0`);
    const types = manifest.devDependencies['@types/vscode']!;
    assert.ok(semver.lte(types, semver.minVersion(manifest.engines.vscode)!), `@types/vscode ${types} is newer than engines.vscode ${manifest.engines.vscode} (vsce refuses it)`);
  });
});
