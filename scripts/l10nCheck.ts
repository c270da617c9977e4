// The localisation check (`npm test`'s static layer runs it through scripts/check-l10n.ts):
// (a) a user-visible string in src/vscode or src/*.ts (the composition root) that bypasses vscode.l10n.t,
//     or one the webview pages (webview-ui/src) write into the DOM without @vscode/l10n's l10n.t,
// (b) a %key% in package.json without an entry in package.nls.json (and manifest prose that is
//     not a %key%), (c) an l10n/bundle.l10n.json that is not what `npm run l10n` exports now.
// (a) reads the code with the TypeScript compiler: a string reaches the user when it is passed to a
// parameter, set on a property or written in an object literal under a name that shows text
// (message, title, label, ...). Such a string is fine when it comes out of vscode.l10n.t, is a
// value without words (placeholders, codicons, colour codes) or a cosa command line, or when a
// comment on its line (or the line before) says why it is `not localised:`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** Parameter and property names whose strings a user reads. */
const SHOWN_NAMES = new Set([
  'message', 'items', 'text', 'label', 'title', 'action', 'placeHolder', 'placeholder', 'prompt', 'detail', 'description',
  'tooltip', 'output', 'hint', 'reason', 'banner', 'button', 'openLabel', 'validationMessage', 'name', 'error', 'summary',
  // the DOM sinks of the webview pages: text content, child nodes (append, replaceChildren, the pages' el() helpers),
  // attributes a user reads or hears (written as attribute objects or through setAttribute)
  'textContent', 'innerText', 'nodes', 'children', 'aria-label', 'ariaLabel', 'alt',
]);
/** Attributes whose value is shown or read out: `setAttribute(name, value)` checks the value for these names. */
const SHOWN_ATTRIBUTES = new Set(['title', 'placeholder', 'label', 'aria-label', 'aria-description', 'alt']);
const HTML_TAG = /<[!/]?[A-Za-z][^>]*>/g;
const HTML_SHOWN_ATTRIBUTE = /\b(title|placeholder|label|aria-label|aria-description|alt)="([^"]*)"/g;

/** The prose of an HTML fragment written as a literal (a host-rendered page body): text between tags, shown attributes. */
export function htmlProse(text: string): string[] {
  if (!/<[!/]?[A-Za-z]/.test(text)) {
    return [];
  }
  const between = text.split(HTML_TAG).map((t) => t.trim()).filter(isProse);
  const attributes = [...text.matchAll(HTML_SHOWN_ATTRIBUTE)].map((m) => m[2]!).filter(isProse);
  return [...between, ...attributes];
}
/** Calls whose strings are not shown as prose: log lines (English, like VS Code's own logs), ids. */
const UNSHOWN_CALLEES = new Set(['createDiagnosticCollection']);
const LOG_TYPES = new Set(['LogOutputChannel', 'OutputChannel']);
/** Calls whose every string argument is shown whatever the parameter is called. */
const SHOWN_CALLEES = new Set(['MarkdownString', 'fire']);
/** Words that may follow `cosa` in a command line shown as it is typed. */
const COMMAND_WORDS = new Set([
  'cosa', 'kola', 'butane', 'init', 'fetch', 'build', 'osbuild', 'qemu', 'prune', 'clean', 'list', 'tag', 'update', 'delete', 'shell',
  'run', 'buildfetch', 'decompress', 'qemuexec', '{}', '…',
]);

export interface L10nFinding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

// eslint-disable-next-line no-control-regex -- terminal colour codes start with ESC
const ANSI = /\x1b\[[0-9;]*m/g;
const CODICON = /\$\([\w~-]+\)/g;

/** True when `text` (placeholders as `{}`) is words a user reads, not a value or a command line. */
export function isProse(text: string): boolean {
  const bare = text.replace(ANSI, '').replace(CODICON, '').replace(/\{\}/g, '');
  if (!/[A-Za-z]/.test(bare)) {
    return false;
  }
  const tokens = text.replace(ANSI, '').replace(CODICON, '').trim().split(/\s+/);
  // a path, a URL, a file name: one token with a separator
  if (tokens.length === 1 && /[/.]/.test(tokens[0]!)) {
    return false;
  }
  const flag = (t: string | undefined): boolean => t !== undefined && /^--?[\w-]+(=\{\})?$/.test(t);
  const commandLine = (COMMAND_WORDS.has(tokens[0]!) || flag(tokens[0]))
    && tokens.every((t, i) => COMMAND_WORDS.has(t) || /^(\{\})+$/.test(t) || flag(t) || (flag(tokens[i - 1]) && !/[A-Z]/.test(t)));
  return !commandLine;
}

/** Stricter than isProse, for values inside a translated message: words with a space, or a capitalised word ("Show"). */
export function isShownPhrase(text: string): boolean {
  return isProse(text) && (/[A-Za-z]\s+[A-Za-z]/.test(text) || /^[A-Z][a-z]+$/.test(text.trim()));
}

/** The literal text of a string expression, placeholders as `{}`; undefined when it has none of its own. */
function literalText(e: ts.Expression): string | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
    return e.text;
  }
  if (ts.isTemplateExpression(e)) {
    return e.head.text + e.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = literalText(e.left);
    const r = literalText(e.right);
    return l === undefined && r === undefined ? undefined : `${l ?? '{}'}${r ?? '{}'}`;
  }
  return undefined;
}

function isL10nCall(e: ts.Node): e is ts.CallExpression {
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 't'
    && /(^|\.)l10n$/.test(e.expression.expression.getText());
}

/** The shown strings an expression may evaluate to that did not go through l10n.t. */
function bypasses(e: ts.Expression, checker: ts.TypeChecker, shown: (text: string) => boolean = isProse): string[] {
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) {
    return bypasses(e.expression, checker, shown);
  }
  if (ts.isConditionalExpression(e)) {
    return [...bypasses(e.whenTrue, checker, shown), ...bypasses(e.whenFalse, checker, shown)];
  }
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    return [...bypasses(e.left, checker, shown), ...bypasses(e.right, checker, shown)];
  }
  if (ts.isArrayLiteralExpression(e)) {
    return e.elements.flatMap((x) => (ts.isSpreadElement(x) ? bypasses(x.expression, checker, shown) : bypasses(x, checker, shown)));
  }
  if (isL10nCall(e)) {
    return [];
  }
  const text = literalText(e);
  if (text !== undefined) {
    return shown(text) ? [text] : [];
  }
  // A constant declared elsewhere (`const SHOW = 'Show'`): its type is the literal.
  const type = checker.getTypeAtLocation(e);
  const literals = type.isUnion() ? type.types : [type];
  return literals.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value).filter(shown);
}

function exempt(source: ts.SourceFile, node: ts.Node): boolean {
  const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
  const lines = source.text.split('\n');
  return [lines[line], lines[line - 1]].some((l) => l !== undefined && /not localised:/.test(l));
}

function nameOf(n: ts.PropertyName | ts.MemberName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n) ? n.text : undefined;
}

/** The parameter name an argument binds to (the rest parameter for extra arguments). */
function parameterName(call: ts.CallExpression | ts.NewExpression, index: number, checker: ts.TypeChecker): string | undefined {
  const signature = checker.getResolvedSignature(call);
  const params = signature?.getParameters() ?? [];
  const p = params[Math.min(index, params.length - 1)];
  return p?.getName();
}

/** A call of a log channel's method (info, warn, error, ...). */
function isLogCall(call: ts.CallExpression | ts.NewExpression, checker: ts.TypeChecker): boolean {
  const parent = checker.getResolvedSignature(call)?.getDeclaration()?.parent;
  return !!parent && ts.isInterfaceDeclaration(parent) && LOG_TYPES.has(parent.name.text);
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string {
  const c = call.expression;
  return ts.isPropertyAccessExpression(c) ? c.name.text : ts.isIdentifier(c) ? c.text : '';
}

/** Findings of rule (a) in the given source files of `program`. */
export function findBypasses(program: ts.Program, files: readonly string[]): L10nFinding[] {
  const checker = program.getTypeChecker();
  const out: L10nFinding[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) {
      throw new Error(`${file} is not part of the program`);
    }
    const report = (node: ts.Node, texts: readonly string[], why: string): void => {
      if (texts.length && !exempt(source, node)) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        for (const text of texts) out.push({ file: path.relative(process.cwd(), file), line, text, why });
      }
    };
    const visit = (node: ts.Node): void => {
      if (isL10nCall(node)) {
        const [message, ...args] = node.arguments;
        if (!message || !ts.isStringLiteral(message)) {
          report(node, [node.getText(source).slice(0, 80)], 'l10n.t needs a string literal (npm run l10n exports only those)');
        }
        args.forEach((a) => report(a, bypasses(a, checker, isShownPhrase), 'a value of l10n.t that is itself a shown string'));
      } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = calleeName(node);
        if (UNSHOWN_CALLEES.has(callee) || isLogCall(node, checker)) {
          ts.forEachChild(node, visit);
          return;
        }
        const [attribute, attributeValue] = node.arguments ?? [];
        if (callee === 'setAttribute' && attribute && attributeValue && ts.isStringLiteral(attribute) && SHOWN_ATTRIBUTES.has(attribute.text)) {
          report(attributeValue, bypasses(attributeValue, checker), `attribute '${attribute.text}'`);
        }
        (node.arguments ?? []).forEach((a, i) => {
          const name = parameterName(node, i, checker);
          if (SHOWN_CALLEES.has(callee) || (name !== undefined && SHOWN_NAMES.has(name))) {
            report(a, bypasses(a, checker), `argument '${name ?? i}' of ${callee}`);
          }
        });
      } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node))
        && !(node.parent && isL10nCall(node.parent))) {
        report(node, htmlProse(literalText(node) ?? ''), 'text of an HTML literal');
      } else if (ts.isPropertyAssignment(node)) {
        const name = nameOf(node.name);
        if (name !== undefined && SHOWN_NAMES.has(name)) {
          report(node, bypasses(node.initializer, checker), `property '${name}'`);
        }
        if (name === 'validateInput' && ts.isArrowFunction(node.initializer) && !ts.isBlock(node.initializer.body)) {
          report(node, bypasses(node.initializer.body, checker), 'a validateInput message');
        }
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        const name = node.left.name.text;
        if (SHOWN_NAMES.has(name)) {
          report(node, bypasses(node.right, checker), `assignment to .${name}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

/** The sources rule (a) reads: everything that touches the VS Code API. */
export function extensionSources(root: string): string[] {
  const dir = path.join(root, 'src', 'vscode');
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
  // The composition root's files (extension.ts, extensionFeatures.ts) sit directly in src/.
  const rootFiles = fs.readdirSync(path.join(root, 'src')).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, 'src', f));
  return [...rootFiles, ...walk(dir)].sort();
}

/**
 * webview-ui/src files that are not pages: the host's checks of the pages' messages (their reasons go to the log)
 * and the message types.
 */
const NOT_PAGE_SOURCES = new Set(['messageValidation.ts', 'reportMessages.ts', 'messages.ts']);

/** The webview pages' sources (rule a's DOM sinks), read with webview-ui/tsconfig.json (DOM types). */
export function webviewSources(root: string): string[] {
  const dir = path.join(root, 'webview-ui', 'src');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !NOT_PAGE_SOURCES.has(f)).map((f) => path.join(dir, f)).sort();
}

export function programFor(root: string, files: readonly string[], tsconfig = 'tsconfig.json'): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, tsconfig), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) {
    throw new Error('tsconfig.json could not be read');
  }
  return ts.createProgram({ rootNames: [...files], options: config.options });
}

/** Manifest fields a user reads (rule b: each must be a %key%). */
const MANIFEST_PROSE: readonly (readonly (string | number)[])[] = [['displayName'], ['description']];
const PROSE_KEYS = new Set(['title', 'description', 'name', 'contents', 'label', 'contextualTitle', 'markdownDescription', 'enumDescriptions',
  'markdownEnumDescriptions', 'deprecationMessage', 'markdownDeprecationMessage', 'category', 'shortTitle', 'displayName', 'altText']);

/** Every string under `contributes` a user reads, with its JSON path. */
function contributedProse(value: unknown, at: (string | number)[], out: { at: string; text: string }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => contributedProse(v, [...at, i], out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // `name` is prose only for views; elsewhere (problem patterns and matchers) it is an id
      const prose = PROSE_KEYS.has(k) && (k !== 'name' || at[1] === 'views');
      if (typeof v === 'string' && prose) {
        out.push({ at: [...at, k].join('.'), text: v });
      } else if (Array.isArray(v) && prose && v.every((x) => typeof x === 'string')) {
        v.forEach((x: string, i) => out.push({ at: [...at, k, i].join('.'), text: x }));
      } else {
        contributedProse(v, [...at, k], out);
      }
    }
  }
}

/** Rule (b): prose in package.json that is not a %key%, and %key%s without an entry in package.nls.json. */
export function manifestFindings(manifest: Record<string, unknown>, nls: Record<string, unknown>): string[] {
  const shown: { at: string; text: string }[] = [];
  for (const p of MANIFEST_PROSE) {
    const v = manifest[p[0] as string];
    if (typeof v === 'string') shown.push({ at: p.join('.'), text: v });
  }
  contributedProse(manifest.contributes, ['contributes'], shown);
  const capabilities = manifest.capabilities as { untrustedWorkspaces?: { description?: unknown } } | undefined;
  if (typeof capabilities?.untrustedWorkspaces?.description === 'string') {
    shown.push({ at: 'capabilities.untrustedWorkspaces.description', text: capabilities.untrustedWorkspaces.description });
  }
  const out: string[] = [];
  for (const { at, text } of shown) {
    const key = /^%(.+)%$/.exec(text)?.[1];
    if (key === undefined) {
      if (isProse(text)) out.push(`package.json ${at}: "${text.slice(0, 60)}" is not a %key% of package.nls.json`);
    } else if (typeof nls[key] !== 'string') {
      out.push(`package.json ${at}: %${key}% has no entry in package.nls.json`);
    }
  }
  return out;
}

/** Rule (c): the bundle `npm run l10n` would write now. */
export async function exportedBundle(files: readonly string[]): Promise<Record<string, unknown>> {
  const { getL10nJson } = await import('@vscode/l10n-dev');
  return getL10nJson(files.map((f) => ({ extension: path.extname(f), contents: fs.readFileSync(f, 'utf8') })));
}

/** Rule (c): what differs between the committed bundle and the exported one (key order does not matter). */
export function bundleDifferences(committed: Record<string, unknown>, exported: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(exported)) {
    if (JSON.stringify(committed[k]) !== JSON.stringify(v)) out.push(`l10n/bundle.l10n.json lacks "${k.slice(0, 60)}"`);
  }
  for (const k of Object.keys(committed)) {
    if (!(k in exported)) out.push(`l10n/bundle.l10n.json still has "${k.slice(0, 60)}", which no l10n.t call uses`);
  }
  return out;
}
