// Reads a tests/kola directory into the listing src/cosa/kolaDiscovery.ts
// derives kola's test names from: symlinks followed (kola stats them),
// only the bytes kola itself reads.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { KolaNode } from '../cosa/kolaDiscovery';
import { INLINE_META_LIMIT } from '../cosa/kolaTestMeta';

const WHOLE = new Set(['kola.json']);
/** kola.json is read whole; cap it so a huge file cannot stall the editor. */
const MAX_WHOLE = 1 << 20;

async function readHead(file: string, limit: number): Promise<string> {
  const h = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(limit);
    const { bytesRead } = await h.read(buf, 0, limit, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await h.close();
  }
}

async function node(dir: string, name: string, depth: number): Promise<KolaNode> {
  const full = path.join(dir, name);
  let st;
  try {
    st = await fs.stat(full);
  } catch (e) {
    return { name, type: 'broken', error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message };
  }
  if (st.isDirectory()) {
    // kola recurses without a limit; a symlink loop would hang it, we stop
    return { name, type: 'dir', children: depth > 32 ? [] : await readKolaDir(full, depth + 1) };
  }
  if (!st.isFile()) {
    return { name, type: 'other' };
  }
  const mode = st.mode & 0o7777;
  let text: string | undefined;
  try {
    if ((mode & 0o001) !== 0) {
      text = await readHead(full, INLINE_META_LIMIT);
    } else if (WHOLE.has(name)) {
      text = await readHead(full, MAX_WHOLE);
    } else if (name !== 'config.ign' && name !== 'config.bu') {
      text = (await readHead(full, 256)).split('\n')[0];
    }
  } catch {
    text = undefined;
  }
  return { name, type: 'file', mode, text };
}

/** The entries of `dir` (e.g. src/config/tests/kola); [] when it does not exist. */
export async function readKolaDir(dir: string, depth = 0): Promise<KolaNode[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return [];
    }
    throw e;
  }
  return Promise.all(names.map((n) => node(dir, n, depth)));
}
