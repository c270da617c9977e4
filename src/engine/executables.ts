// Finding programs on PATH without spawning a shell (`which` is not everywhere).

import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';

export function findOnPath(program: string, pathVar: string | undefined = process.env.PATH): string | undefined {
  if (program.includes('/')) {
    return isExecutableFile(program) ? program : undefined;
  }
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, program);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
