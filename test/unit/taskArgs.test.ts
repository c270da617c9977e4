import * as assert from 'node:assert/strict';
import {
  buildArgs, cleanArgs, imageBuildCommands, isLongCommand, legacyImageCommands, pruneArgs, tagArgs, taskDefinitionArgs, taskName,
  validateTag, validateVersion,
} from '../../src/cosa/taskArgs';
import { isMutating } from '../../src/cosa/invocation';

describe('cosa task definition -> args', () => {
  const rows: [string, unknown, string[] | RegExp][] = [
    ['build', { type: 'cosa', command: 'build' }, ['build']],
    ['build with args', { type: 'cosa', command: 'build', args: ['--force', '--skip-prune'] }, ['build', '--force', '--skip-prune']],
    ['fetch', { type: 'cosa', command: 'fetch' }, ['fetch']],
    ['osbuild qemu metal', { type: 'cosa', command: 'osbuild', args: ['qemu', 'metal'] }, ['osbuild', 'qemu', 'metal']],
    ['legacy buildextend', { type: 'cosa', command: 'buildextend-qemu' }, ['buildextend-qemu']],
    ['an arg with a space stays one word', { type: 'cosa', command: 'build', args: ['--version=a b'] }, ['build', '--version=a b']],
    ['command trimmed', { type: 'cosa', command: ' list ' }, ['list']],
    ['shell with a command is fine', { type: 'cosa', command: 'shell', args: ['ls'] }, ['shell', 'ls']],
    ['missing command', { type: 'cosa' }, /needs "command"/],
    ['empty command', { type: 'cosa', command: '' }, /needs "command"/],
    ['command with options', { type: 'cosa', command: 'build --force' }, /put options in "args"/],
    ['command that is an option', { type: 'cosa', command: '--force' }, /put options in "args"/],
    ['args not an array', { type: 'cosa', command: 'build', args: '--force' }, /array of strings/],
    ['args with a number', { type: 'cosa', command: 'build', args: [1] }, /array of strings/],
    ['run needs a TTY', { type: 'cosa', command: 'run' }, /real terminal/],
    ['interactive shell needs a TTY', { type: 'cosa', command: 'shell' }, /Open Assembler Shell/],
    ['undefined', undefined, /needs "command"/],
  ];
  for (const [title, def, expected] of rows) {
    it(title, () => {
      const r = taskDefinitionArgs(def as never);
      if (expected instanceof RegExp) {
        assert.ok('error' in r, JSON.stringify(r));
        assert.match(r.error, expected);
      } else {
        assert.deepEqual(r, { args: expected });
      }
    });
  }

  it('task names read like the command', () => {
    assert.equal(taskName({ type: 'cosa', command: 'build' }), 'build');
    assert.equal(taskName({ type: 'cosa', command: 'osbuild', args: ['--build', '43.1', 'qemu'] }), 'osbuild --build 43.1 qemu');
  });
});

describe('cosa argument builders', () => {
  it('build options in getopt form', () => {
    assert.deepEqual(buildArgs(), ['build']);
    assert.deepEqual(buildArgs({ force: true, skipPrune: true, strict: true, version: ' 43.1 ' }), ['build', '--force', '--skip-prune', '--strict', '--version=43.1']);
    assert.deepEqual(buildArgs({ version: '  ' }), ['build']);
    assert.equal(validateVersion('43.20260101.dev.0'), undefined);
    assert.match(validateVersion('')!, /required/);
    assert.match(validateVersion('a/b')!, /letters/);
    assert.match(validateVersion('-x')!, /letters/);
  });

  it('image builds: osbuild today, one buildextend-<p> per platform on legacy cosa', () => {
    assert.deepEqual(imageBuildCommands({ platforms: ['qemu'] }), [['osbuild', 'qemu']]);
    assert.deepEqual(imageBuildCommands({ platforms: ['qemu', 'metal', 'qemu'], buildId: '43.1' }), [['osbuild', '--build', '43.1', 'qemu', 'metal']]);
    assert.deepEqual(imageBuildCommands({ platforms: ['qemu', 'live'], buildId: '43.1', legacy: true }),
      [['buildextend-qemu', '--build', '43.1'], ['buildextend-live', '--build', '43.1']]);
    assert.deepEqual(imageBuildCommands({ platforms: [] }), []);
    assert.deepEqual(legacyImageCommands(['osbuild', '--build', '43.1', '--force', 'qemu', 'metal4k']),
      [['buildextend-qemu', '--build', '43.1', '--force'], ['buildextend-metal4k', '--build', '43.1', '--force']]);
    assert.deepEqual(legacyImageCommands(['osbuild', '--build=43.2', 'live']), [['buildextend-live', '--build', '43.2']]);
  });

  it('clean, prune (the contract\'s flags), tag', () => {
    assert.deepEqual(cleanArgs(false), ['clean']);
    assert.deepEqual(cleanArgs(true), ['clean', '--all']);
    assert.deepEqual(pruneArgs({ keepLastN: 3 }), ['prune', '--keep-last-n=3']);
    assert.deepEqual(pruneArgs({ keepLastN: 0 }), ['prune', '--keep-last-n=0']);
    assert.deepEqual(pruneArgs({ buildIds: ['a', 'b'] }), ['prune', '--build', 'a', '--build', 'b']);
    assert.throws(() => pruneArgs({ keepLastN: -1 }), RangeError);
    assert.throws(() => pruneArgs({ keepLastN: 1.5 }), RangeError);
    assert.throws(() => pruneArgs({ buildIds: [] }), RangeError);
    assert.deepEqual(tagArgs('43.1', ' stable '), ['tag', 'update', '--build', '43.1', '--tag', 'stable']);
    assert.equal(validateTag('release-1.0'), undefined);
    assert.ok(validateTag('a b'));
    assert.ok(validateTag(''));
  });

  it('long commands get progress; every one of them that changes the build dir takes the lock', () => {
    for (const args of [['build'], ['osbuild', 'qemu'], ['buildextend-qemu'], ['init', 'x'], ['prune'], ['clean'], ['fetch']]) {
      assert.ok(isLongCommand(args), args.join(' '));
      assert.ok(isMutating(args), args.join(' '));
    }
    for (const args of [['list'], ['shell', 'ls'], ['meta', '--dump']]) {
      assert.equal(isLongCommand(args), false, args.join(' '));
    }
  });
});
