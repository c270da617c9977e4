// The real OpenSSH client with one option put first (ssh keeps an option's first value): a
// known_hosts file of the test's choosing, each call's arguments logged. Download over OpenSSH
// (src/engine/imageDownload.ts) leaves known_hosts to the user's ssh configuration, which a test or
// a bench must not change; test/remote-builder/setup.sh writes the builder's key beside its identity.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LoggedSsh {
  /** The executable to pass as DownloadOptions.ssh. */
  readonly ssh: string;
  /** The arguments of each call so far, one line per call. */
  calls(): string[];
  dispose(): void;
}

/** known_hosts beside the test builder's identity (test/remote-builder/setup.sh). */
export function builderKnownHosts(identity: string): string {
  return path.join(path.dirname(identity), 'known_hosts');
}

export function sshWithKnownHosts(knownHosts: string): LoggedSsh {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coreos-ssh-'));
  const log = path.join(dir, 'calls.log');
  const ssh = path.join(dir, 'ssh');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(ssh, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${q(log)}\nexec ssh -o UserKnownHostsFile=${q(knownHosts)} "$@"\n`, { mode: 0o755 });
  return {
    ssh,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
