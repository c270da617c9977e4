// Helpers for the conformance tests of the coreos-assembler stand-in image:
// run it through real podman with the alias' exact flags (src/cosa/invocation.ts),
// make throw-away workspaces and config repos, drive a pty with util-linux `script`.

import * as assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cosaRunArgv, CosaSettings, RuntimeHost } from '../../src/cosa/invocation';
import { NO_KVM_ARGS } from '../support/hostKvm';
import { STAND_IN_IMAGE } from '../support/standInPrerequisites';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const IMAGE = STAND_IN_IMAGE;
export const ARCH = 'x86_64';
const makeConfigRepoScript = path.join(repoRoot, 'test', 'fixtures', 'config-repo', 'make-config-repo.sh');

/** Timing knobs of the stand-in, kept low so the suite stays fast. */
export const FAST_ENV = ['-e', 'COSA_STANDIN_BUILD_SECONDS=0.2', '-e', 'COSA_STANDIN_LOG_LINES=60'];

/** Every container name this suite used, to prove none is left behind. */
export const usedContainers = new Set<string>();
let pendingContainers: string[] = [];
let counter = 0;
const runTag = crypto.randomBytes(3).toString('hex');

export interface CosaResult {
  code: number | null;
  stdout: string;
  stderr: string;
  name: string;
}

export interface CosaOptions {
  /** extra podman args (e.g. ['-e', 'X=1', '-v', 'a:b']) after the FAST_ENV defaults */
  runtimeArgs?: string[];
  configGit?: string;
  assemblerGit?: string;
  stdin?: string;
  timeoutMs?: number;
}

function uniquePurpose(args: readonly string[]): string {
  counter += 1;
  return `conf-${runTag}-${counter}-${(args[0] ?? 'none').replace(/[^a-z0-9-]/gi, '')}`;
}

export function settingsFor(opts: CosaOptions = {}): CosaSettings {
  return {
    runtime: 'podman',
    image: IMAGE,
    runtimeArgs: [...FAST_ENV, ...(opts.runtimeArgs ?? [])],
    ...(opts.configGit ? { configGit: opts.configGit } : {}),
    ...(opts.assemblerGit ? { assemblerGit: opts.assemblerGit } : {}),
  };
}

let hostFacts: RuntimeHost | undefined;
/** The runtime facts cosaRunArgv needs (rootless? version? invoking uid/gid), probed once. */
export function runtimeHost(): RuntimeHost {
  if (!hostFacts) {
    const [rootless, version] = execFileSync('podman', ['info', '--format', '{{.Host.Security.Rootless}} {{.Version.Version}}'], { encoding: 'utf8' })
      .trim().split(' ');
    hostFacts = {
      kind: 'podman',
      rootless: rootless === 'true',
      ...(version ? { version } : {}),
      uid: process.getuid ? process.getuid() : 0,
      gid: process.getgid ? process.getgid() : 0,
    };
  }
  return hostFacts;
}

/** cosa's commands that run preflight_kvm (cmd-osbuild and its buildextend-* names). */
function needsKvm(args: readonly string[]): boolean {
  return args[0] === 'osbuild' || (args[0] ?? '').startsWith('buildextend-');
}

/**
 * On a machine without /dev/kvm a command that needs it gets COSA_NO_KVM=1 (cosa's own bypass),
 * unless the test chose the KVM knobs itself: there the test is about KVM.
 */
function withKvmBypass(args: readonly string[], opts: CosaOptions): CosaOptions {
  const chosen = (opts.runtimeArgs ?? []).some((a) => /^COSA_(NO_KVM|STANDIN_KVM)=/.test(a));
  return needsKvm(args) && !chosen && NO_KVM_ARGS.length ? { ...opts, runtimeArgs: [...(opts.runtimeArgs ?? []), ...NO_KVM_ARGS] } : opts;
}

/** podman argv for `cosa <args>` in workspace `ws`, plus the container name. */
export function cosaArgv(ws: string, args: readonly string[], tty: boolean, opts: CosaOptions = {}): { argv: string[]; name: string } {
  const purpose = uniquePurpose(args);
  const argv = cosaRunArgv(settingsFor(withKvmBypass(args, opts)), { workspace: ws, args, tty, purpose }, runtimeHost());
  const i = argv.indexOf('--name');
  const name = argv[i + 1]!;
  usedContainers.add(name);
  pendingContainers.push(name);
  return { argv, name };
}

/** Run `cosa <args>` (no terminal) and collect its output and exit code. */
export function cosa(ws: string, args: readonly string[], opts: CosaOptions = {}): Promise<CosaResult> {
  const { argv, name } = cosaArgv(ws, args, false, opts);
  return new Promise((resolve, reject) => {
    const child = spawn('podman', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cosa ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, name });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Remove the containers started since the last call (afterEach). */
export async function removePendingContainers(): Promise<void> {
  const names = pendingContainers;
  pendingContainers = [];
  await Promise.all(names.map((n) => new Promise<void>((resolve) => {
    execFile('podman', ['rm', '-f', '--ignore', n], () => resolve());
  })));
}

export function allContainerNames(): string[] {
  return execFileSync('podman', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' })
    .split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
}

// ------------------------------------------------------------------ temp dirs

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `cosa-conf-${prefix}-`));
  tempDirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

/** A fresh, empty workspace directory (the future /srv). */
export function workspace(): string {
  return tempDir('ws');
}

/** A local config git repo (fedora-coreos-config look-alike); returns its path and HEAD. */
export function configRepo(overrides: string[] = []): { dir: string; commit: string } {
  const dir = path.join(tempDir('cfg'), 'config');
  const commit = execFileSync('bash', [makeConfigRepoScript, dir, ...overrides], { encoding: 'utf8' }).trim();
  return { dir, commit };
}

/** Mount a config repo at /cfg inside the container (so `init file:///cfg` can clone it). */
export function cfgMount(dir: string): string[] {
  return ['-v', `${dir}:/cfg:ro`];
}

/** init a workspace from a fresh config repo; returns the repo. */
export async function initWorkspace(ws: string, overrides: string[] = []): Promise<{ dir: string; commit: string }> {
  const repo = configRepo(overrides);
  const r = await cosa(ws, ['init', 'file:///cfg'], { runtimeArgs: cfgMount(repo.dir) });
  assert.equal(r.code, 0, `init failed:\n${r.stdout}\n${r.stderr}`);
  return repo;
}

/**
 * Set up a workdir in one container (fast): `cosa init` from a fresh config repo,
 * then `builds` builds (`cosa build --force --skip-prune`, each a new build).
 */
export async function preparedWorkspace(builds: number): Promise<{ ws: string; repo: { dir: string; commit: string } }> {
  const ws = workspace();
  const repo = configRepo();
  const script = `cosa init file:///cfg >/dev/null 2>&1; for i in $(seq 1 ${builds}); do cosa build --force --skip-prune >/dev/null; done`;
  const r = await cosa(ws, ['shell', 'bash', '-ec', script], { runtimeArgs: cfgMount(repo.dir) });
  assert.equal(r.code, 0, `workspace set-up failed:\n${r.stdout}\n${r.stderr}`);
  return { ws, repo };
}

// ------------------------------------------------------------------ build dir

export interface BuildsJson {
  'schema-version': string;
  builds: { id: string; arches: string[] }[];
  timestamp?: string;
  tags?: { name: string; target: string; created: string }[];
}

export function readBuildsJson(ws: string): BuildsJson {
  return JSON.parse(fs.readFileSync(path.join(ws, 'builds', 'builds.json'), 'utf8')) as BuildsJson;
}

export function readMeta(ws: string, id: string): Record<string, unknown> & {
  buildid: string;
  name: string;
  images: Record<string, { path: string; sha256: string; size?: number; 'skip-compression'?: boolean }>;
} {
  return JSON.parse(fs.readFileSync(path.join(ws, 'builds', id, ARCH, 'meta.json'), 'utf8')) as never;
}

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every path under dir (relative), for ownership checks. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string): void => {
    const abs = path.join(dir, rel);
    out.push(rel);
    const st = fs.lstatSync(abs);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(abs)) visit(path.join(rel, e));
    }
  };
  for (const e of fs.readdirSync(dir)) visit(e);
  return out;
}

// ------------------------------------------------------------------ pty

/** POSIX shell quoting for the one place a shell string is unavoidable: `script -c`. */
export function shQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface PtySession {
  output(): string;
  waitFor(re: RegExp, timeoutMs: number): Promise<void>;
  write(data: string): void;
  exit(timeoutMs: number): Promise<number | null>;
  name: string;
}

/** Run `cosa <args>` with a real terminal (podman -t under util-linux `script`). */
export function cosaPty(ws: string, args: readonly string[], opts: CosaOptions = {}): PtySession {
  const { argv, name } = cosaArgv(ws, args, true, opts);
  const command = ['podman', ...argv].map(shQuote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => { exitCode = code; resolve(code); }));
  child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  return {
    name,
    output: () => out,
    write: (data: string) => { child.stdin.write(Buffer.from(data, 'latin1')); },
    waitFor: (re: RegExp, timeoutMs: number) => new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const tick = (): void => {
        if (re.test(out)) { resolve(); return; }
        if (exitCode !== undefined) { reject(new Error(`exited (${exitCode}) before ${re}:\n${out}`)); return; }
        if (Date.now() - started > timeoutMs) { reject(new Error(`timed out waiting for ${re}:\n${out}`)); return; }
        setTimeout(tick, 100);
      };
      tick();
    }),
    exit: (timeoutMs: number) => Promise.race([
      exited,
      new Promise<number | null>((_, reject) => setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`pty session did not end:\n${out}`));
      }, timeoutMs)),
    ]),
  };
}

export function hostUid(): number {
  return process.getuid ? process.getuid() : 0;
}
