// The Build Overview (src/cosa/buildOverview.ts, webview-ui/src/overviewPage.ts):
// the pipeline's steps for a build with their state, the next step, facts,
// the size chart, and the rendered page: escaped, no remote content, no
// inline styles or scripts (the CSP would block them).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBuildMeta, type ParsedBuildMeta } from '../../src/cosa/buildMeta';
import { buildOverview, durationText, type OverviewInput, vmTerminalBuildId } from '../../src/cosa/buildOverview';
import type { ImageState } from '../../src/cosa/imageState';
import type { KolaReport } from '../../src/cosa/kolaReport';
import { ignitionTerminalName, terminalName } from '../../src/cosa/qemuArgs';
import { renderOverviewBody, sizeChart } from '../../webview-ui/src/overviewPage';
import { referenceFixtures } from './referenceFixtures';

const fcos = parseBuildMeta(fs.readFileSync(path.join(referenceFixtures, 'cosa', 'fixtures-fcos.meta.json'), 'utf8'));
const ID = '31.20200310.20.0';

/** A small meta.json as the stand-in's cosa build writes one: ostree only, no qemu image yet. */
function fresh(id: string, timestamp: string, extra: Record<string, unknown> = {}): ParsedBuildMeta {
  return parseBuildMeta(JSON.stringify({
    buildid: id, name: 'fedora-coreos', 'ostree-version': id, 'ostree-commit': 'c'.repeat(64), 'coreos-assembler.basearch': 'x86_64',
    'coreos-assembler.build-timestamp': timestamp,
    'coreos-assembler.container-config-git': { commit: 'a1b2c3d4e5f6a7b8', branch: 'main', origin: 'file:///x', dirty: 'false' },
    images: { ostree: { path: `x-${id}-ostree.x86_64.ociarchive`, size: 1000, sha256: 'a'.repeat(64), 'skip-compression': true } },
    ...extra,
  }));
}

const present = (kinds: readonly string[]): Map<string, ImageState> => new Map(kinds.map((k) => [k, { kind: 'present' } as ImageState]));

function input(over: Partial<OverviewInput> = {}): OverviewInput {
  return {
    buildId: ID, arch: 'x86_64', hostArch: true, meta: fcos,
    imageStates: present(fcos.meta.images.map((i) => i.kind)),
    vmTerminals: [], history: [{ id: ID, meta: fcos }], ...over,
  };
}

const state = (o: ReturnType<typeof buildOverview>, id: string): string | undefined => o.steps.find((s) => s.id === id)?.state;

describe('Build Overview', () => {
  it('draws the pipeline of a full build: config commit, ostree/OCI, each image, the VM, kola', () => {
    const o = buildOverview(input());
    assert.deepEqual(o.steps.slice(0, 3).map((s) => s.id), ['config', 'build', 'image-qemu']);
    assert.equal(state(o, 'config'), 'done');
    assert.match(o.steps[0]!.detail, /config 640ecad99f5b \(testing-devel\)/);
    assert.equal(state(o, 'build'), 'done');
    assert.match(o.steps[1]!.detail, /ostree 981ddd48f99d, OCI archive present/);
    for (const kind of ['qemu', 'metal', 'live-iso', 'aws']) assert.equal(state(o, `image-${kind}`), 'done', kind);
    assert.equal(state(o, 'boot'), 'todo');
    assert.equal(state(o, 'kola'), 'todo');
    assert.deepEqual(o.next, { title: 'Run in QEMU', command: 'coreos.runInQemu', why: 'boot this build in a VM' });
    const facts = new Map(o.facts.map((f) => [f.label, f.value]));
    assert.equal(facts.get('Version'), ID);
    assert.equal(facts.get('Built'), '2020-03-12T00:18:45Z');
    assert.match(facts.get('Package diff')!, /upgraded|added|removed|no package changes/);
    assert.match(facts.get('Cloud uploads')!, /AWS/);
    assert.match(facts.get('Images')!, /^14, [\d.]+ GiB in all$/);
  });

  it('makes the next step follow the build: qemu image, decompress, run; none while a VM boots it', () => {
    const built = fresh('41.1', '2026-11-30T10:00:00Z');
    const o = buildOverview(input({ buildId: '41.1', meta: built, imageStates: present(['ostree']), history: [{ id: '41.1', meta: built }] }));
    assert.equal(state(o, 'image-qemu'), 'todo');
    assert.equal(o.next?.command, 'coreos.buildQemuImage');
    // cosa builds only this machine's arch: no Build QEMU Image for another one
    assert.equal(buildOverview(input({ buildId: '41.1', meta: built, hostArch: false, imageStates: present(['ostree']) })).next, undefined);

    const compressed = new Map(fcos.meta.images.map((i) => [i.kind, { kind: 'present' } as ImageState]));
    compressed.set('qemu', { kind: 'compressed', compressor: 'xz' });
    const c = buildOverview(input({ imageStates: compressed }));
    assert.equal(state(c, 'image-qemu'), 'warn');
    assert.equal(c.next?.command, 'coreos.decompressBuild');

    const running = buildOverview(input({ vmTerminals: [terminalName(ID, [])] }));
    assert.equal(state(running, 'boot'), 'running');
    assert.equal(running.next, undefined);
  });

  it('says what is wrong: no ostree commit, an absent image, meta.json missing', () => {
    const broken = parseBuildMeta(JSON.stringify({ buildid: 'b', images: {} }));
    const o = buildOverview(input({ buildId: 'b', meta: broken, imageStates: new Map() }));
    assert.equal(state(o, 'build'), 'failed');
    assert.equal(o.next?.command, 'coreos.build');
    const absent = new Map(fcos.meta.images.map((i) => [i.kind, { kind: 'present' } as ImageState]));
    absent.set('metal', { kind: 'absent' });
    assert.match(buildOverview(input({ imageStates: absent })).steps.find((s) => s.id === 'image-metal')!.detail, /absent/);
    const missing = buildOverview(input({ meta: { missing: 'meta.json: ENOENT' } }));
    assert.equal(state(missing, 'config'), 'failed');
    assert.deepEqual(missing.problems, ['meta.json: ENOENT']);
  });

  it('gives a kola report to the build it tested: by version, else the build that was newest when it was written', () => {
    const report = (version: string, result: KolaReport['result'], failed = 0): KolaReport => ({
      version, result, platform: 'qemu',
      tests: [{ name: 'basic', subtests: [], result: 'PASS', durationNs: 1, output: '' },
        ...Array.from({ length: failed }, (_, i) => ({ name: `f${i}`, subtests: [], result: 'FAIL' as const, durationNs: 1, output: '' }))],
    });
    const at = Date.parse('2020-03-12T01:00:00Z');
    assert.equal(state(buildOverview(input({ kola: { report: report(ID, 'PASS'), writtenAt: 0 } })), 'kola'), 'done');
    assert.equal(state(buildOverview(input({ kola: { report: report('32.0', 'PASS'), writtenAt: at } })), 'kola'), 'todo');
    const failed = buildOverview(input({ kola: { report: report('', 'FAIL', 2), writtenAt: at } }));
    assert.equal(state(failed, 'kola'), 'failed');
    assert.match(failed.steps.find((s) => s.id === 'kola')!.detail, /1 passed, 2 failed/);
    // written after a newer build was made: that one's, not this one's
    assert.equal(state(buildOverview(input({ kola: { report: report('', 'PASS'), writtenAt: at }, newerBuildAt: at - 1 })), 'kola'), 'todo');
    // written before this build existed
    assert.equal(state(buildOverview(input({ kola: { report: report('', 'PASS'), writtenAt: 0 } })), 'kola'), 'todo');
  });

  it('knows the build of a VM terminal by the names the QEMU console gives them', () => {
    assert.equal(vmTerminalBuildId(terminalName('41.20261130.dev.0', [])), '41.20261130.dev.0');
    assert.equal(vmTerminalBuildId(terminalName('41.1', ['cosa run 41.1'])), '41.1');
    assert.equal(vmTerminalBuildId(ignitionTerminalName('my config.ign', '41.2', [])), '41.2');
    assert.equal(vmTerminalBuildId(ignitionTerminalName('a.bu', '41.2', ['ignition a.bu on 41.2'])), '41.2');
    assert.equal(vmTerminalBuildId('bash'), undefined);
    assert.equal(vmTerminalBuildId('cosa build'), undefined);
  });

  it('charts image sizes oldest first with the shown build marked, and the same numbers as a table', () => {
    const older = fresh('41.1', '2026-11-29T10:00:00Z', { images: { qemu: { path: 'q1.qcow2', size: 600 * 1024 * 1024, sha256: 'b'.repeat(64) } } });
    const newer = fresh('41.2', '2026-11-30T10:00:00Z', { images: { qemu: { path: 'q2.qcow2', size: 700 * 1024 * 1024, sha256: 'b'.repeat(64) } } });
    const o = buildOverview(input({ buildId: '41.1', meta: older, imageStates: present(['qemu']), history: [{ id: '41.2', meta: newer }, { id: '41.1', meta: older }, { id: '41.0' }] }));
    assert.deepEqual(o.sizes.map((p) => [p.id, p.imagesBytes / 1024 / 1024, p.current]), [['41.0', 0, false], ['41.1', 600, true], ['41.2', 700, false]]);
    const svg = sizeChart(o.sizes);
    assert.match(svg, /<svg class="chart"[^>]* role="img" aria-label="Image sizes of the last 3 builds, oldest first; largest 700 MiB">/);
    assert.equal((svg.match(/<g class="bar/g) ?? []).length, 3);
    assert.match(svg, /<g class="bar current"><title>41\.1: 600 MiB of images, qemu 600 MiB<\/title>/);
    assert.match(svg, /<tr class="current"><th scope="row">41\.1<\/th><td>2026-11-29T10:00:00Z<\/td><td>600<\/td><td>600<\/td><td><\/td><\/tr>/);
    assert.match(svg, /Build times show for builds made from this editor/);
  });

  it('shows the build time the extension measured (meta.json records none), as a fact and a second chart', () => {
    const older = fresh('41.1', '2026-11-29T10:00:00Z');
    const newer = fresh('41.2', '2026-11-30T10:00:00Z');
    const o = buildOverview(input({
      buildId: '41.2', meta: newer, imageStates: present(['ostree']), history: [{ id: '41.2', meta: newer }, { id: '41.1', meta: older }, { id: '41.0' }],
      buildDurations: new Map([['41.2', 192_000], ['41.0', 45_000]]),
    }));
    assert.equal(o.facts.find((f) => f.label === 'Build took')?.value, '3 min 12 s (cosa build, as run from this editor)');
    assert.deepEqual(o.sizes.map((p) => p.buildMs), [45_000, undefined, 192_000]);
    const html = sizeChart(o.sizes);
    assert.match(html, /aria-label="Build time of the 2 builds run from this editor, oldest first; longest 3 min 12 s"/);
    assert.match(html, /<g class="bar current"><title>41\.2: cosa build took 3 min 12 s<\/title>/);
    assert.match(html, /<th scope="row">41\.0<\/th><td><\/td><td>0\.0<\/td><td><\/td><td>45 s<\/td>/);
    assert.equal(durationText(7_260_000), '2 h 1 min');
  });

  it('renders the page: steps with state in words, the next step as a button, escaped text, no remote content or inline style', () => {
    const evil = fresh('41.1', '2026-11-30T10:00:00Z', { name: '<img src=x onerror=alert(1)>' });
    const html = renderOverviewBody(buildOverview(input({ buildId: '41.1', meta: evil, imageStates: present(['ostree']), history: [{ id: '41.1', meta: evil }] })));
    assert.match(html, /<ol class="pipeline" id="pipeline">/);
    assert.match(html, /<li class="step done" id="step-config" tabindex="0" aria-label="Init &amp; fetch: done\. config a1b2c3d4e5f6 \(main\)">/);
    assert.match(html, /<li class="step todo" id="step-image-qemu"[^>]*><span class="codicon codicon-circle-large-outline" aria-hidden="true"><\/span><span class="label">qemu image<\/span><span class="state">not yet<\/span>/);
    assert.match(html, /<button type="button" id="next-step" data-command="coreos\.buildQemuImage">Build QEMU Image<\/button>/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(html, /<img/);
    assert.doesNotMatch(html, /https?:\/\/|<script|<style|style=/);
  });
});
