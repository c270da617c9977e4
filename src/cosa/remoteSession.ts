// `cosa remote-session`, read from coreos-assembler's cmd/remote-session.go: a long-lived
// cosa container on a remote podman (CONTAINER_HOST=ssh://..., CONTAINER_SSHKEY), every cosa
// command an `exec` in it, files moved by rsync over `podman --remote exec -i`.
// Pure: argv and parsing only; src/engine/remoteSession.ts runs them.

import { LABEL, LABEL_PURPOSE, LABEL_WORKSPACE, workspaceId } from './invocation';
import { groupedArgv, killGroupArgv, ProcessGroupError } from './processGroup';

export { parseGroupMarker } from './processGroup';

/** A podman reached over ssh: the two variables `podman --remote` reads. */
export interface RemoteBuilder {
  /** CONTAINER_HOST, `ssh://user@host[:port]/path/to/podman.sock`. */
  readonly url: string;
  /** CONTAINER_SSHKEY: the identity file (absent: ssh-agent). */
  readonly identity?: string;
  /** A name for people (a `podman system connection` name, or the host). */
  readonly name?: string;
}

export interface BuilderAddress {
  readonly user: string;
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
}

export class RemoteBuilderError extends Error {}

/**
 * `ssh://user@host[:port]/path/to/podman.sock`, as podman's `--url` takes it. The user is
 * required (podman would fall back to the local login name, which says nothing on another
 * machine) and the socket path must be absolute.
 */
export function parseBuilderUrl(url: string): BuilderAddress {
  const m = /^ssh:\/\/([^@/\s]+)@(\[[0-9a-fA-F:.]+\]|[^:/\s@]+)(?::(\d{1,5}))?(\/[^\s]*)$/.exec(url.trim());
  if (!m) {
    throw new RemoteBuilderError(`"${url}" is not a podman ssh address: expected ssh://user@host[:port]/path/to/podman.sock`);
  }
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) {
    throw new RemoteBuilderError(`"${url}": port ${m[3]} is out of range`);
  }
  const socketPath = m[4]!;
  if (socketPath === '/' || socketPath.includes('/../') || socketPath.endsWith('/..')) {
    throw new RemoteBuilderError(`"${url}": the path after the host must be the podman socket, e.g. /run/user/1000/podman/podman.sock`);
  }
  return { user: m[1]!, host: m[2]!, port, socketPath };
}

/** The environment `podman --remote` (and rsync's `--rsh podman --remote exec -i`) needs. */
export function builderEnv(builder: RemoteBuilder): Record<string, string> {
  parseBuilderUrl(builder.url);
  return { CONTAINER_HOST: builder.url, ...(builder.identity ? { CONTAINER_SSHKEY: builder.identity } : {}) };
}

/** One row of `podman system connection list --format json`. */
interface ConnectionRow {
  readonly Name?: unknown;
  readonly URI?: unknown;
  readonly Identity?: unknown;
  readonly Default?: unknown;
}

/** The ssh connections podman knows (`podman system connection list --format json`); others are skipped. */
export function parseConnectionList(json: string): RemoteBuilder[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch (e) {
    throw new RemoteBuilderError(`podman system connection list printed no JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(rows)) {
    return [];
  }
  const out: RemoteBuilder[] = [];
  for (const row of rows as ConnectionRow[]) {
    if (typeof row?.URI !== 'string' || !row.URI.startsWith('ssh://')) {
      continue;
    }
    try {
      parseBuilderUrl(row.URI);
    } catch {
      continue;
    }
    out.push({
      url: row.URI,
      ...(typeof row.Identity === 'string' && row.Identity !== '' ? { identity: row.Identity } : {}),
      ...(typeof row.Name === 'string' && row.Name !== '' ? { name: row.Name } : {}),
    });
  }
  return out;
}

export type PullPolicy = 'always' | 'missing' | 'never' | 'newer';

export interface SessionCreateOptions {
  /** --image (upstream default quay.io/coreos-assembler/coreos-assembler:main). */
  readonly image: string;
  /** --expiration: `sleep`'s argument, a duration such as 4h or 30m, or `infinity` (upstream default). */
  readonly expiration: string;
  /** --workdir (upstream default /srv): an anonymous volume on the builder, and the working directory. */
  readonly workdir?: string;
  /** --env K=V, in order. */
  readonly env?: readonly string[];
  /** Upstream always pulls (--pull=always); `missing`/`never` for an image that exists only on the builder. */
  readonly pull?: PullPolicy;
  /** The local workspace this session builds for: labels that let us find it again. */
  readonly workspace?: string;
}

export const REMOTE_SESSION_PURPOSE = 'remote-session';

/** sleep(1)'s duration syntax: NUMBER[smhd] (fractions allowed), or `infinity`. */
export function validExpiration(expiration: string): boolean {
  return expiration === 'infinity' || /^(?:\d+(?:\.\d+)?[smhd]?)$/.test(expiration);
}

function requireSession(session: string): string {
  // A container id or name: never an option, never empty.
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(session)) {
    throw new RemoteBuilderError(`"${session}" is not a container id or name`);
  }
  return session;
}

/**
 * `cosa remote-session create`: podman's argv (after `podman`), upstream's flags in
 * upstream's order, then our labels, the image and the expiration.
 */
export function sessionCreateArgv(o: SessionCreateOptions): string[] {
  const workdir = o.workdir ?? '/srv';
  if (!workdir.startsWith('/') || /[:,\s]/.test(workdir)) {
    throw new RemoteBuilderError(`--workdir must be an absolute path without ':', ',' or spaces: "${workdir}"`);
  }
  if (!validExpiration(o.expiration)) {
    throw new RemoteBuilderError(`--expiration must be a duration such as 4h, 30m or infinity: "${o.expiration}"`);
  }
  if (o.image === '' || o.image.startsWith('-') || /\s/.test(o.image)) {
    throw new RemoteBuilderError(`"${o.image}" is not an image reference`);
  }
  const argv = ['--remote', 'run', '--rm', '-d',
    `--pull=${o.pull ?? 'always'}`, '--net=host', '--privileged', '--security-opt=label=disable',
    '--volume', workdir,
    '--workdir', workdir,
    '--volume=secex-data:/data.secex:ro',
    '--userns=keep-id:uid=1000,gid=1000',
    '--device=/dev/kvm', '--device=/dev/fuse', '--tmpfs=/tmp',
    '--init', '--entrypoint=/usr/bin/sleep'];
  for (const e of o.env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(e)) {
      throw new RemoteBuilderError(`--env takes KEY=VALUE: "${e}"`);
    }
    argv.push('--env', e);
  }
  argv.push('--label', `${LABEL}=1`, '--label', `${LABEL_PURPOSE}=${REMOTE_SESSION_PURPOSE}`);
  if (o.workspace) {
    argv.push('--label', `${LABEL_WORKSPACE}=${workspaceId(o.workspace)}`);
  }
  argv.push(o.image, o.expiration);
  return argv;
}

/**
 * `cosa remote-session exec` = `podman --remote exec -i [-t] SESSION cosa ARGS...`. The extension
 * adds one thing: a process group of its own whose id comes first on stdout
 * (src/cosa/processGroup.ts), so a cancel can signal everything the command started on the builder.
 */
export function sessionExecArgv(session: string, cosaArgs: readonly string[], opts: { tty?: boolean; workdir?: string } = {}): string[] {
  return sessionCommandArgv(session, groupedArgv(['cosa', ...cosaArgs], opts), { stdin: true, ...opts });
}

/** `podman --remote exec [-i] [-t] [--workdir D] SESSION ARGV...`. */
export function sessionCommandArgv(session: string, argv: readonly string[], opts: { stdin?: boolean; tty?: boolean; workdir?: string } = {}): string[] {
  return ['--remote', 'exec', ...(opts.stdin ? ['-i'] : []), ...(opts.tty ? ['-t'] : []), ...(opts.workdir ? ['--workdir', opts.workdir] : []),
    requireSession(session), ...argv];
}

/** Signal a process group inside the session (the cancel of sessionExecArgv). */
export function sessionKillGroupArgv(session: string, pgid: number, signal: 'TERM' | 'KILL'): string[] {
  try {
    return sessionCommandArgv(session, killGroupArgv(pgid, signal));
  } catch (e) {
    throw e instanceof ProcessGroupError ? new RemoteBuilderError(e.message) : e;
  }
}

/** A plain command in the session (no cosa dispatcher): reading files, listing processes. */
export function sessionRawExecArgv(session: string, argv: readonly string[], opts: { stdin?: boolean } = {}): string[] {
  return sessionCommandArgv(session, argv, opts);
}

/**
 * `cosa remote-session destroy` (`rm -f`), plus --volumes: upstream leaves the anonymous /srv volume
 * to the `--rm` cleanup, which runs after `rm -f` returns and at times leaves it behind; --volumes
 * removes it in the same call (anonymous volumes only: secex-data stays).
 */
export function sessionDestroyArgv(session: string): string[] {
  return ['--remote', 'rm', '-f', '--volumes', requireSession(session)];
}

/** `cosa remote-session ps`, as JSON for us. */
export function sessionPsArgv(session: string): string[] {
  return ['--remote', 'ps', '-a', `--filter=id=${requireSession(session)}`, '--format', 'json'];
}

/** Our sessions on a builder, optionally those of one workspace. */
export function sessionListArgv(workspace?: string): string[] {
  return ['--remote', 'ps', '--filter', `label=${LABEL_PURPOSE}=${REMOTE_SESSION_PURPOSE}`,
    ...(workspace ? ['--filter', `label=${LABEL_WORKSPACE}=${workspaceId(workspace)}`] : []), '--format', 'json'];
}

/**
 * `cosa remote-session sync FROM TO`: exactly one side starts with ':' (the session). rsync's argv;
 * `--rsh` is rsync's own command (it splits it on spaces and appends the container and rsync's
 * server command), not a shell line: `podman --remote exec -i` unless `rsh` (openSshRsh) is given.
 * `image`: how Download moves one large file: not compressed again (a qcow2 is already, and the
 * CPU is the limit on a fast link), byte counts instead of -h, and rsync's whole-transfer progress.
 */
export function sessionSyncArgv(session: string, from: string, to: string, opts: { quiet?: boolean; delete?: boolean; image?: boolean; rsh?: string } = {}): string[] {
  const remoteSides = [from, to].filter((a) => a.startsWith(':')).length;
  if (remoteSides !== 1) {
    throw new RemoteBuilderError('Must pass in a single arg with `:` prepended');
  }
  const side = (a: string): string => (a.startsWith(':') ? `${requireSession(session)}${a}` : a);
  for (const a of [from, to]) {
    if (a.replace(/^:/, '').startsWith('-')) {
      throw new RemoteBuilderError(`a path must not start with '-': "${a}"`);
    }
  }
  return [opts.image ? '-a' : '-ah', '--no-owner', '--no-group', '--mkpath', '--blocking-io', ...(opts.image ? [] : ['--compress']),
    '--rsh', opts.rsh ?? 'podman --remote exec -i', ...(opts.quiet ? [] : ['-v']), ...(opts.delete ? ['--delete'] : []),
    ...(opts.image ? ['--info=progress2'] : []), side(from), side(to)];
}

/** An OpenSSH client call that ends in `podman … exec -i` on the builder (openSshExec). */
export interface OpenSshExec {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * The session reached through OpenSSH instead of podman's own ssh client: `ssh … -- host podman exec
 * -i`, the builder's podman run there by the builder's account, as the plain-rsync floor of
 * bench/remoteDownload.bench.ts does (podman's client and its attach stream over the API socket
 * cost up to a third of the throughput, bench/RESULTS.md). Download keeps this way only when rsync
 * through it reaches the session by its id (src/engine/imageDownload.ts), so it is the same
 * container the socket of the builder's URL serves. Batch mode and strict host-key checking: it
 * never asks, and trusts only a host key the user's own ssh already knows (podman 4.3 trusts any
 * key while ~/.ssh/known_hosts is missing; this does not). The identity alone, as CONTAINER_SSHKEY
 * is for podman. undefined when the address or the identity cannot be written into rsync's --rsh
 * (split on spaces; quotes keep spaces, nothing escapes a quote).
 */
export function openSshExec(builder: RemoteBuilder, ssh = 'ssh'): OpenSshExec | undefined {
  let a: BuilderAddress;
  try {
    a = parseBuilderUrl(builder.url);
  } catch {
    return undefined;
  }
  const host = a.host.replace(/^\[(.*)\]$/, '$1');
  // no quote, backslash or control character: rsync splits --rsh on spaces and nothing escapes a quote
  const quotable = (s: string): boolean => s !== '' && ![...s].some((c) => c === "'" || c === '"' || c === '\\' || c < ' ' || c === '\x7f');
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(a.user) || !/^[A-Za-z0-9][A-Za-z0-9.:_-]*$/.test(host)
    || !quotable(ssh) || (builder.identity && !quotable(builder.identity))) {
    return undefined;
  }
  return {
    file: ssh,
    args: ['-p', String(a.port), ...(builder.identity ? ['-i', builder.identity, '-o', 'IdentitiesOnly=yes'] : []),
      '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=15', '-l', a.user, '--', host,
      'podman', 'exec', '-i'],
  };
}

/** openSshExec as rsync's --rsh: an argument with a space in single quotes (openSshExec let no quote through). */
export function openSshRsh(exec: OpenSshExec): string {
  return [exec.file, ...exec.args].map((a) => (/^[A-Za-z0-9_.:/=@+,-]+$/.test(a) ? a : `'${a}'`)).join(' ');
}

export interface SessionState {
  readonly id: string;
  readonly running: boolean;
  /** "Exited (0) ..." etc. */
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** `podman ps --format json` rows (as sessionPsArgv/sessionListArgv print them). */
export function parseSessionPs(json: string): SessionState[] {
  let rows: unknown;
  try {
    rows = JSON.parse(json === '' ? '[]' : json);
  } catch (e) {
    throw new RemoteBuilderError(`podman ps printed no JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(rows)) {
    return [];
  }
  return rows.flatMap((r: Record<string, unknown>) => {
    if (typeof r?.Id !== 'string') {
      return [];
    }
    const state = typeof r.State === 'string' ? r.State : '';
    const labels = r.Labels && typeof r.Labels === 'object' ? (r.Labels as Record<string, string>) : {};
    return [{ id: r.Id, running: state === 'running', status: typeof r.Status === 'string' ? r.Status : state, labels }];
  });
}

/** What a failed `podman --remote` call means, in words (podman 4.3's messages over ssh); undefined: not recognised. */
export function explainRemoteFailure(stderr: string): string | undefined {
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/ssh: handshake failed: ssh: unable to authenticate/, () => 'the builder refused the ssh key (check the identity file and the builder account\'s authorized_keys)'],
    [/failed to read identity "([^"\n]{0,500})"/, (m) => `the ssh identity file ${m[1]} cannot be read`],
    [/dial tcp ([^\s]{1,300}): connect: connection refused/, (m) => `nothing accepts ssh connections at ${m[1]} (is the builder up, and sshd listening on that port?)`],
    [/dial tcp: lookup ([^\s]{1,300})[^\n]{0,300}no such host/, (m) => `the builder's host name ${m[1]} does not resolve`],
    [/(?:i\/o timeout|connection timed out)/, () => 'the builder did not answer in time (network or firewall)'],
    [/ssh: rejected: connect failed/, () => 'ssh works, but the podman socket path on the builder is wrong or podman.socket is not running there (systemctl --user enable --now podman.socket)'],
    [/no container with name or ID "([^"\n]{0,200})" found/, (m) => `the remote session ${m[1]} no longer exists on the builder (destroyed or expired): create a new one`],
    [/(?:connection reset by peer|broken pipe|EOF$|unexpected EOF)/m, () => 'the ssh connection to the builder dropped'],
    [/no space left on device/i, () => 'the builder ran out of disk space'],
  ];
  for (const [re, say] of rules) {
    const m = re.exec(stderr);
    if (m) {
      return say(m);
    }
  }
  return undefined;
}
