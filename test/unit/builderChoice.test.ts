// coreos.builder: what the setting may say, how a podman connection name resolves, and that a
// remote builder is ignored in an untrusted workspace (src/cosa/builderChoice.ts).

import * as assert from 'node:assert/strict';
import {
  builderChoiceLabel, builderSettingValue, effectiveBuilderChoice, parseBuilderSetting, resolveBuilderChoice, UNTRUSTED_BUILDER_REASON,
} from '../../src/cosa/builderChoice';
import { RemoteBuilderError } from '../../src/cosa/remoteSession';

const URL = 'ssh://builder@build1.example.com:2222/run/user/1000/podman/podman.sock';

describe('coreos.builder (src/cosa/builderChoice.ts)', () => {
  it('reads local, an ssh:// builder with its identity, and a connection name', () => {
    for (const v of [undefined, '', '  ', 'local']) {
      assert.deepEqual(parseBuilderSetting(v), { kind: 'local' });
    }
    assert.deepEqual(parseBuilderSetting(` ${URL} `, ' /home/me/.ssh/id_ed25519 '), { kind: 'url', url: URL, identity: '/home/me/.ssh/id_ed25519' });
    assert.deepEqual(parseBuilderSetting(URL, ''), { kind: 'url', url: URL });
    assert.deepEqual(parseBuilderSetting('aarch64-builder'), { kind: 'connection', name: 'aarch64-builder' });
  });

  it('refuses what podman would not take, saying what is expected', () => {
    assert.throws(() => parseBuilderSetting('tcp://host:8080'), /only ssh:\/\/ podman builders/);
    assert.throws(() => parseBuilderSetting('ssh://host/run/podman.sock'), /expected ssh:\/\/user@host/);
    assert.throws(() => parseBuilderSetting('-oProxyCommand=x'), /neither "local", an ssh:\/\/ address, nor a podman connection name/);
    assert.throws(() => parseBuilderSetting('two words'), RemoteBuilderError);
  });

  it('round-trips through the setting value', () => {
    for (const v of ['local', URL, 'aarch64-builder']) {
      assert.equal(builderSettingValue(parseBuilderSetting(v)), v);
    }
  });

  it('resolves an ssh:// builder by itself and a name through podman\'s connections', () => {
    assert.equal(resolveBuilderChoice({ kind: 'local' }, []), undefined);
    assert.deepEqual(resolveBuilderChoice(parseBuilderSetting(URL, '/k'), []), { url: URL, identity: '/k', name: 'builder@build1.example.com:2222' });
    assert.equal(resolveBuilderChoice(parseBuilderSetting('ssh://me@h/run/p.sock'), [])?.name, 'me@h');
    const conn = { url: URL, identity: '/id', name: 'arm' };
    assert.equal(resolveBuilderChoice({ kind: 'connection', name: 'arm' }, [conn]), conn);
    assert.throws(() => resolveBuilderChoice({ kind: 'connection', name: 'gone' }, [conn]), /does not list \(it lists arm\): add it with `podman system connection add`/);
    assert.throws(() => resolveBuilderChoice({ kind: 'connection', name: 'gone' }, []), /it lists no ssh connection/);
  });

  it('names a builder briefly', () => {
    assert.equal(builderChoiceLabel({ kind: 'local' }), 'local');
    assert.equal(builderChoiceLabel(parseBuilderSetting(URL)), 'builder@build1.example.com:2222');
    assert.equal(builderChoiceLabel({ kind: 'connection', name: 'arm' }), 'arm');
  });

  it('uses a remote builder only in a trusted workspace, and says why not', () => {
    const remote = parseBuilderSetting(URL);
    assert.deepEqual(effectiveBuilderChoice(remote, true), { choice: remote });
    assert.deepEqual(effectiveBuilderChoice(remote, false), { choice: { kind: 'local' }, ignored: UNTRUSTED_BUILDER_REASON });
    assert.deepEqual(effectiveBuilderChoice({ kind: 'local' }, false), { choice: { kind: 'local' } });
  });
});
