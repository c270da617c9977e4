/**
 * `npm run ignition-validate -- FILE` (or `-` for stdin): prints what
 * ignition-validate prints, on the same streams, with the same exit code.
 */

import { readFileSync } from 'node:fs';
import { formatReport } from './report';
import { validateIgnition } from './validate';

function main(argv: string[]): number {
  const args = argv.filter((a) => a !== '--');
  if (args.length === 1 && (args[0] === '-version' || args[0] === '--version')) {
    process.stdout.write('ignition-validate (CoreOS Assembler for VS Code, Ignition 2.14 compatible)\n');
    return 0;
  }
  if (args.length !== 1) {
    process.stderr.write(`Usage:\n  ${process.argv[1] ?? 'ignition-validate'} [flags] config.ign\n\n  -version\n    \tprint the version of ignition-validate\n`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(args[0] === '-' ? 0 : args[0], 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = err.code === 'ENOENT' ? `open ${args[0]}: no such file or directory` : err.code === 'EISDIR' ? `read ${args[0]}: is a directory` : String(err.message);
    process.stderr.write(`couldn't read config: ${msg}\n`);
    return 1;
  }
  const out = formatReport(validateIgnition(text));
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  return out.exitCode;
}

process.exitCode = main(process.argv.slice(2));
