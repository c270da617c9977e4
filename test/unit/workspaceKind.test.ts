import * as assert from 'node:assert/strict';
import { initLeftovers, initMissingReason, isInitialized, missingInitPaths, WorkspaceFacts, workspaceKind } from '../../src/cosa/workspaceKind';

const NONE: WorkspaceFacts = { hasBuildsJson: false, hasSrcConfig: false, hasSrc: false, hasBuildsDir: false, hasTmp: false };
/** What `cosa init` leaves when it finished (cmd-init: src/config, then cache/ builds/ tmp/). */
const INITIALIZED: WorkspaceFacts = { ...NONE, hasSrc: true, hasSrcConfig: true, hasBuildsDir: true, hasTmp: true };

describe('workspaceKind', () => {
  it('is builds when builds/builds.json exists, whether or not cosa init ran here', () => {
    assert.equal(workspaceKind({ ...INITIALIZED, hasBuildsJson: true }), 'builds');
    assert.equal(workspaceKind({ ...NONE, hasBuildsDir: true, hasBuildsJson: true }), 'builds');
  });

  it('is initialized only when everything a finished cosa init makes is there', () => {
    assert.equal(workspaceKind(INITIALIZED), 'initialized');
    assert.equal(isInitialized(INITIALIZED), true);
  });

  it('is incomplete when a failed init left src/ (or src/config) without builds/ or tmp/', () => {
    assert.equal(workspaceKind({ ...NONE, hasSrc: true }), 'incomplete');
    assert.equal(workspaceKind({ ...NONE, hasSrc: true, hasSrcConfig: true }), 'incomplete');
    assert.equal(workspaceKind({ ...INITIALIZED, hasTmp: false }), 'incomplete');
  });

  it('is uninitialized for a folder without src/', () => {
    assert.equal(workspaceKind(NONE), 'uninitialized');
    assert.equal(workspaceKind({ ...NONE, hasTmp: true }), 'uninitialized');
  });

  it('a builds folder without src/config is not initialized: build and fetch need cosa init', () => {
    const copied = { ...NONE, hasBuildsDir: true, hasBuildsJson: true };
    assert.equal(isInitialized(copied), false);
    assert.deepEqual(missingInitPaths(copied), ['src/config', 'tmp']);
    assert.deepEqual(missingInitPaths(INITIALIZED), []);
  });
});

describe('initMissingReason', () => {
  it('says "Initialize first" for build and fetch outside a finished init, naming what is missing', () => {
    assert.equal(initMissingReason({ ...NONE, hasBuildsDir: true, hasBuildsJson: true }, ['build']),
      'Initialize first: this folder is not a coreos-assembler working directory (no src/config, tmp). cosa build was not started.');
    assert.equal(initMissingReason({ ...NONE, hasSrc: true, hasSrcConfig: true }, ['fetch']),
      'Initialize first: a cosa init did not finish in this folder (builds, tmp missing). cosa fetch was not started.');
  });

  it('lets build and fetch run after a finished init, and never stops other commands', () => {
    assert.equal(initMissingReason(INITIALIZED, ['build', '--force']), undefined);
    assert.equal(initMissingReason(NONE, ['init', 'file:///cfg']), undefined);
    assert.equal(initMissingReason(NONE, ['osbuild', 'qemu']), undefined);
  });
});

describe('initLeftovers', () => {
  it('names what a failed init created, never what was there before it started', () => {
    assert.deepEqual(initLeftovers(new Set(), new Set(['src'])), ['src']);
    assert.deepEqual(initLeftovers(new Set(['builds']), new Set(['builds', 'src', 'cache'])), ['src', 'cache']);
    assert.deepEqual(initLeftovers(new Set(['src']), new Set(['src'])), []);
    assert.deepEqual(initLeftovers(new Set(), new Set(['README.md'])), []);
  });
});
