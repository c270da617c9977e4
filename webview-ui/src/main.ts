// Webview front end of the Ignition Config Editor: a structured view of the
// config (version, users and SSH keys, files, units, storage, kernel
// arguments) whose edits go to the host as typed messages; the host edits the
// document, revalidates and sends the new state back. No network, no eval,
// theming from VS Code's CSS variables, every control reachable by keyboard.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { DocumentState, HostToWebview, JsonPath, JsonValue, ProblemView, WebviewToHost } from './messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const send = (m: WebviewToHost): void => vscode.postMessage(m);
const app = document.getElementById('app')!;

type Obj = { [key: string]: JsonValue };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const objAt = (o: Obj | undefined, k: string): Obj | undefined => (o && isObj(o[k]) ? (o[k] as Obj) : undefined);
const arrAt = (o: Obj | undefined, k: string): JsonValue[] => (o && Array.isArray(o[k]) ? (o[k] as JsonValue[]) : []);
const strAt = (o: Obj | undefined, k: string): string => (o && typeof o[k] === 'string' ? (o[k] as string) : '');
const keyOf = (path: JsonPath): string => path.map(String).join('.');

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = el('vscode-button', { ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A text field bound to `path`; commits on change (Enter or leaving the field). */
function textField(label: string, path: JsonPath, value: string, opts: { placeholder?: string; toValue?: (s: string) => JsonValue | undefined; wide?: boolean } = {}): HTMLElement {
  const id = 'f-' + keyOf(path).replace(/[^a-zA-Z0-9_-]/g, '_');
  const field = el('vscode-textfield', { id, 'data-key': keyOf(path), 'aria-label': label, ...(opts.placeholder ? { placeholder: opts.placeholder } : {}), ...(opts.wide ? { class: 'wide' } : {}) }) as HTMLElement & { value: string };
  field.value = value;
  field.addEventListener('change', () => {
    const v = opts.toValue ? opts.toValue(field.value) : field.value;
    send({ type: 'set', path, value: v });
  });
  return el('div', { class: 'row' }, el('label', { for: id }, label), field);
}

function modeText(v: JsonValue | undefined): string {
  return typeof v === 'number' ? '0' + v.toString(8) : '';
}
function parseMode(s: string): JsonValue | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  return /^0?[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
}

function summary(problems: readonly ProblemView[]): HTMLElement {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (errors === 0 && warnings === 0) return el('span', { class: 'status-ok', id: 'status', role: 'status' }, 'Valid');
  const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
  return el('span', { class: errors ? 'sev-error' : 'sev-warning', id: 'status', role: 'status' }, parts.join(', '));
}

function problemsSection(problems: readonly ProblemView[]): HTMLElement {
  const list = el('ul', { class: 'problems', 'aria-label': 'Validation results' });
  for (const p of problems) {
    const where = p.line > 0 ? `line ${p.line}` : 'document';
    const b = el('button', { class: 'problem', title: 'Show in the text editor' },
      el('span', { class: `sev-${p.severity}` }, p.severity), ` ${where}: ${p.message}`, p.path ? el('span', { class: 'muted' }, ` ${p.path}`) : '');
    b.addEventListener('click', () => send({ type: 'reveal', offset: p.offset, length: p.length }));
    list.append(el('li', {}, b));
  }
  return el('section', { 'aria-labelledby': 'problems-h' }, el('h2', { id: 'problems-h' }, 'Validation'),
    problems.length ? list : el('p', { class: 'muted' }, 'No problems: ignition-validate would accept this config.'));
}

function group(title: string, id: string, open: boolean, ...content: (Node | string)[]): HTMLElement {
  const c = el('vscode-collapsible', { title, id, ...(open ? { open: '' } : {}) });
  const body = el('div', { style: '' });
  body.append(...content);
  c.append(body);
  return c;
}

function versionSection(state: DocumentState, config: Obj): HTMLElement {
  const version = strAt(objAt(config, 'ignition'), 'version');
  const select = el('vscode-single-select', { id: 'spec-version', 'aria-label': 'Ignition spec version' }) as HTMLElement & { value: string };
  const versions = state.supportedVersions.includes(version) || !version ? state.supportedVersions : [version, ...state.supportedVersions];
  for (const v of versions) {
    const o = el('vscode-option', { value: v }, v === state.latestVersion ? `${v} (latest stable)` : v);
    if (v === version) o.setAttribute('selected', '');
    select.append(o);
  }
  select.addEventListener('change', () => send({ type: 'set', path: ['ignition', 'version'], value: select.value }));
  return el('div', { class: 'row' }, el('label', { for: 'spec-version' }, 'Spec version'), select);
}

function usersSection(config: Obj): HTMLElement {
  const users = arrAt(objAt(config, 'passwd'), 'users');
  const cards: HTMLElement[] = users.map((u, i) => {
    const base: JsonPath = ['passwd', 'users', i];
    const user = isObj(u) ? u : {};
    const keys = arrAt(user, 'sshAuthorizedKeys');
    const card = el('div', { class: 'card' },
      textField('Name', [...base, 'name'], strAt(user, 'name')),
      ...keys.map((k, j) => el('div', { class: 'row' },
        textField(`SSH key ${j + 1}`, [...base, 'sshAuthorizedKeys', j], typeof k === 'string' ? k : '', { wide: true, placeholder: 'ssh-ed25519 AAAA… user@host' }),
        button('Remove key', () => send({ type: 'remove', path: [...base, 'sshAuthorizedKeys', j] }), { secondary: '' }))),
      el('div', { class: 'row' },
        button('Add SSH key', () => send({ type: 'append', path: [...base, 'sshAuthorizedKeys'], value: '' }), { secondary: '' }),
        button('Remove user', () => send({ type: 'remove', path: base }), { secondary: '' })));
    return card;
  });
  return group(`Users (${users.length})`, 'users', true, ...cards,
    button('Add user', () => send({ type: 'append', path: ['passwd', 'users'], value: { name: '' } })));
}

function filesSection(config: Obj): HTMLElement {
  const files = arrAt(objAt(config, 'storage'), 'files');
  const cards = files.map((f, i) => {
    const base: JsonPath = ['storage', 'files', i];
    const file = isObj(f) ? f : {};
    return el('div', { class: 'card' },
      textField('Path', [...base, 'path'], strAt(file, 'path'), { placeholder: '/etc/example.conf', wide: true }),
      textField('Mode (octal)', [...base, 'mode'], modeText(file['mode']), { placeholder: '0644', toValue: parseMode }),
      textField('Contents source', [...base, 'contents', 'source'], strAt(objAt(file, 'contents'), 'source'), { placeholder: 'data:,hello%0A or https://…', wide: true }),
      button('Remove file', () => send({ type: 'remove', path: base }), { secondary: '' }));
  });
  return group(`Files (${files.length})`, 'files', files.length > 0, ...cards,
    button('Add file', () => send({ type: 'append', path: ['storage', 'files'], value: { path: '/etc/new-file', mode: 0o644, contents: { source: 'data:,' } } })));
}

function unitsSection(config: Obj): HTMLElement {
  const units = arrAt(objAt(config, 'systemd'), 'units');
  const cards = units.map((u, i) => {
    const base: JsonPath = ['systemd', 'units', i];
    const unit = isObj(u) ? u : {};
    const enabledId = `unit-enabled-${i}`;
    const enabled = el('vscode-checkbox', { id: enabledId, label: 'Enabled', 'data-key': keyOf([...base, 'enabled']) }) as HTMLElement & { checked: boolean };
    enabled.checked = unit['enabled'] === true;
    enabled.addEventListener('change', () => send({ type: 'set', path: [...base, 'enabled'], value: enabled.checked }));
    const contentsId = `unit-contents-${i}`;
    const contents = el('vscode-textarea', { id: contentsId, class: 'wide', rows: '6', 'aria-label': 'Unit contents', 'data-key': keyOf([...base, 'contents']) }) as HTMLElement & { value: string };
    contents.value = strAt(unit, 'contents');
    contents.addEventListener('change', () => send({ type: 'set', path: [...base, 'contents'], value: contents.value === '' ? undefined : contents.value }));
    return el('div', { class: 'card' },
      textField('Name', [...base, 'name'], strAt(unit, 'name'), { placeholder: 'example.service' }),
      el('div', { class: 'row' }, enabled),
      el('div', {}, el('label', { for: contentsId }, 'Contents'), contents),
      button('Remove unit', () => send({ type: 'remove', path: base }), { secondary: '' }));
  });
  return group(`Systemd units (${units.length})`, 'units', units.length > 0, ...cards,
    button('Add unit', () => send({ type: 'append', path: ['systemd', 'units'], value: { name: 'example.service', enabled: true, contents: '[Unit]\nDescription=Example\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n\n[Install]\nWantedBy=multi-user.target\n' } })));
}

function storageSection(config: Obj): HTMLElement {
  const storage = objAt(config, 'storage');
  const lines: HTMLElement[] = [];
  for (const d of arrAt(storage, 'disks')) if (isObj(d)) lines.push(el('li', {}, `disk ${strAt(d, 'device') || '(no device)'}: ${arrAt(d, 'partitions').length} partition(s)${d['wipeTable'] === true ? ', wipes table' : ''}`));
  for (const f of arrAt(storage, 'filesystems')) if (isObj(f)) lines.push(el('li', {}, `filesystem ${strAt(f, 'device') || '(no device)'}: ${strAt(f, 'format') || '(no format)'}${strAt(f, 'path') ? ' at ' + strAt(f, 'path') : ''}`));
  for (const r of arrAt(storage, 'raid')) if (isObj(r)) lines.push(el('li', {}, `raid ${strAt(r, 'name')}: ${strAt(r, 'level')}`));
  for (const l of arrAt(storage, 'luks')) if (isObj(l)) lines.push(el('li', {}, `luks ${strAt(l, 'name')} on ${strAt(l, 'device')}`));
  const n = (k: string): number => arrAt(storage, k).length;
  lines.push(el('li', { class: 'muted' }, `${n('directories')} director${n('directories') === 1 ? 'y' : 'ies'}, ${n('links')} link(s)`));
  return group('Storage', 'storage', false, el('ul', {}, ...lines), el('p', { class: 'muted' }, 'Disks, filesystems, RAID and LUKS are edited in the text editor.'));
}

function kernelArgsSection(config: Obj): HTMLElement {
  const ka = objAt(config, 'kernelArguments');
  const list = (key: 'shouldExist' | 'shouldNotExist', title: string): HTMLElement => {
    const items = arrAt(ka, key);
    return el('div', {}, el('h3', {}, title),
      ...items.map((a, j) => el('div', { class: 'row' },
        textField(`${title} ${j + 1}`, ['kernelArguments', key, j], typeof a === 'string' ? a : ''),
        button('Remove', () => send({ type: 'remove', path: ['kernelArguments', key, j] }), { secondary: '' }))),
      button(`Add (${title.toLowerCase()})`, () => send({ type: 'append', path: ['kernelArguments', key], value: '' }), { secondary: '' }));
  };
  return group('Kernel arguments', 'kargs', !!ka, list('shouldExist', 'Present'), list('shouldNotExist', 'Absent'));
}

function render(state: DocumentState): void {
  // keep the keyboard focus on the same field across re-renders
  const focusedKey = (document.activeElement as HTMLElement | null)?.getAttribute('data-key') ?? undefined;
  const openGroups = new Set([...app.querySelectorAll('vscode-collapsible')].filter((c) => c.hasAttribute('open')).map((c) => c.id));
  const hadGroups = openGroups.size > 0 || app.querySelector('vscode-collapsible') !== null;

  const testBtn = button('Test in VM', () => send({ type: 'testInVm' }), {
    id: 'test-in-vm',
    title: state.testInVmAvailable ? 'Boot a VM of the latest build with this config' : 'Not available yet in this version',
  });
  const header = el('h1', {}, el('span', {}, state.fileName), summary(state.problems), testBtn);
  const parts: Node[] = [header];
  if (!state.config) {
    parts.push(el('p', { class: 'sev-error', role: 'alert' }, state.parseError ?? 'No config.'));
  } else {
    const c = state.config;
    parts.push(versionSection(state, c), usersSection(c), filesSection(c), unitsSection(c), storageSection(c), kernelArgsSection(c));
  }
  parts.push(problemsSection(state.problems));
  app.replaceChildren(...parts);

  if (hadGroups) {
    for (const c of app.querySelectorAll('vscode-collapsible')) {
      if (openGroups.has(c.id)) c.setAttribute('open', ''); else c.removeAttribute('open');
    }
  }
  if (focusedKey) (app.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      document.body.dataset.theme = m.theme;
      break;
    case 'document':
      render(m.state);
      break;
  }
});
send({ type: 'ready' });
