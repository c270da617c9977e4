import * as assert from 'node:assert/strict';
import { parseSessionFacts, sessionFactsArgv, sessionInputs, visibleSessionEntries } from '../../src/cosa/sessionWorkspace';
import { sessionSyncArgv } from '../../src/cosa/remoteSession';

describe('a remote session\'s build directory (src/cosa/sessionWorkspace.ts)', () => {
  it('sends src/, then the coreos.configGit checkout over src/config, then overrides/: folder contents to folder', () => {
    assert.deepEqual(sessionInputs('/home/u/ws', { hasSrc: true, hasOverrides: true, configGit: '/home/u/fcos-config' }), [
      { label: 'src/', from: '/home/u/ws/src/', to: ':/srv/src/' },
      { label: 'coreos.configGit', from: '/home/u/fcos-config/', to: ':/srv/src/config/' },
      { label: 'overrides/', from: '/home/u/ws/overrides/', to: ':/srv/overrides/' },
    ]);
    assert.deepEqual(sessionInputs('/ws', { hasSrc: false, hasOverrides: false }), [], 'a fresh workspace sends nothing');
    assert.deepEqual(sessionInputs('/ws', { hasSrc: false, hasOverrides: true }, '/build/'), [{ label: 'overrides/', from: '/ws/overrides/', to: ':/build/overrides/' }]);
  });

  it('each input is one `cosa remote-session sync FROM :TO` (upstream\'s rsync flags, the session id before the colon)', () => {
    const [input] = sessionInputs('/ws', { hasSrc: true, hasOverrides: false });
    assert.deepEqual(sessionSyncArgv('4644a05b735e', input!.from, input!.to), [
      '-ah', '--no-owner', '--no-group', '--mkpath', '--blocking-io', '--compress', '--rsh', 'podman --remote exec -i', '-v',
      '/ws/src/', '4644a05b735e:/srv/src/',
    ]);
  });

  it('reads "is it initialised" from one find in the session', () => {
    assert.deepEqual(sessionFactsArgv(), ['find', '/srv/builds/builds.json', '/srv/src/config', '/srv/src', '/srv/builds', '/srv/tmp', '-maxdepth', '0']);
    assert.deepEqual(parseSessionFacts('/srv/src/config\n/srv/src\n/srv/builds\n/srv/tmp\n'),
      { hasBuildsJson: false, hasSrcConfig: true, hasSrc: true, hasBuildsDir: true, hasTmp: true });
    assert.deepEqual(parseSessionFacts(''), { hasBuildsJson: false, hasSrcConfig: false, hasSrc: false, hasBuildsDir: false, hasTmp: false });
    assert.equal(parseSessionFacts('/srv/builds/builds.json.bak\n/srv/tmpx\n').hasTmp, false, 'only exact paths count');
  });

  it('counts the entries cosa init counts (ls ./: no hidden ones)', () => {
    assert.deepEqual(visibleSessionEntries('.coreos-vscode\nsrc\nbuilds\n'), ['builds', 'src']);
    assert.deepEqual(visibleSessionEntries(''), []);
  });
});
