// `npm test`'s static layer: fails when a user-visible string bypasses localisation
// (the rules are in scripts/l10nCheck.ts). Fix: wrap the string in vscode.l10n.t (values as {0}),
// add the manifest key to package.nls.json, or run `npm run l10n` and commit l10n/bundle.l10n.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleDifferences, exportedBundle, extensionSources, findBypasses, manifestFindings, programFor, webviewSources } from './l10nCheck';

const root = path.resolve(__dirname, '..');
const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, unknown>;

async function main(): Promise<number> {
  const hostFiles = extensionSources(root);
  const pageFiles = webviewSources(root);
  const files = [...hostFiles, ...pageFiles];
  const problems = [
    ...findBypasses(programFor(root, hostFiles), hostFiles).map((f) => `${f.file}:${f.line}: "${f.text}" (${f.why}) bypasses vscode.l10n.t`),
    ...findBypasses(programFor(root, pageFiles, 'webview-ui/tsconfig.json'), pageFiles).map((f) => `${f.file}:${f.line}: "${f.text}" (${f.why}) bypasses @vscode/l10n's l10n.t`),
  ];
  const manifest = readJson('package.json');
  problems.push(...manifestFindings(manifest, readJson('package.nls.json')));
  if (manifest.l10n !== './l10n') {
    problems.push('package.json: "l10n" must be "./l10n" (where l10n/bundle.l10n.json is)');
  }
  const bundleFile = path.join(root, 'l10n', 'bundle.l10n.json');
  const committed = fs.existsSync(bundleFile) ? readJson('l10n/bundle.l10n.json') : {};
  const stale = bundleDifferences(committed, await exportedBundle(files));
  problems.push(...stale.slice(0, 10), ...(stale.length > 10 ? [`… and ${stale.length - 10} more: run npm run l10n`] : []));
  for (const p of problems) console.error(p);
  console.log(`l10n: ${files.length} files checked, ${problems.length} problem(s)`);
  return problems.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
