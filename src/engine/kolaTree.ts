// Reads a tests/kola directory into the listing src/cosa/kolaDiscovery.ts
// derives kola's test names from: symlinks followed (kola stats them),
// only the bytes kola itself reads. Synchronous fs calls inside: hundreds of
// tiny stats and reads finish several times faster than through the libuv
// thread pool (bench/kola.bench.ts), and the whole walk stays in the
// milliseconds for a real tests/kola.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KolaNode } from '../cosa/kolaDiscovery';
import { INLINE_META_LIMIT } from '../cosa/kolaTestMeta';

/** kola.json is read whole; cap it so a huge file cannot stall the editor. */
const MAX_WHOLE = 1 << 20;
const buffer = Buffer.alloc(MAX_WHOLE);

function readHead(file: string, limit: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const n = fs.readSync(fd, buffer, 0, limit, 0);
    return buffer.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function node(dir: string, entry: fs.Dirent, depth: number): KolaNode {
  const name = entry.name;
  const full = path.join(dir, name);
  if (entry.isDirectory()) {
    return { name, type: 'dir', children: readDir(full, depth + 1) };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(full);
  } catch (e) {
    return { name, type: 'broken', error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message };
  }
  if (st.isDirectory()) {
    // a symlinked directory; kola recurses without a limit (a loop would hang it), we stop
    return { name, type: 'dir', children: depth > 32 ? [] : readDir(full, depth + 1) };
  }
  if (!st.isFile()) {
    return { name, type: 'other' };
  }
  const mode = st.mode & 0o7777;
  let text: string | undefined;
  try {
    if ((mode & 0o001) !== 0) {
      text = readHead(full, INLINE_META_LIMIT);
    } else if (name === 'kola.json') {
      text = readHead(full, MAX_WHOLE);
    } else if (name !== 'config.ign' && name !== 'config.bu') {
      text = readHead(full, 2).startsWith('#!') ? '#!' : '';
    }
  } catch {
    text = undefined;
  }
  return { name, type: 'file', mode, text };
}

function readDir(dir: string, depth: number): KolaNode[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return [];
    }
    throw e;
  }
  return entries.map((e) => node(dir, e, depth));
}

/** The entries of `dir` (e.g. src/config/tests/kola); [] when it does not exist. */
export async function readKolaDir(dir: string): Promise<KolaNode[]> {
  return readDir(dir, 0);
}
