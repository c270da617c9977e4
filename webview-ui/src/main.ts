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
import { fieldKeyOf, problemsByField } from './problemFields';
import * as l10n from '@vscode/l10n';

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

/**
 * A text field bound to `path`, laid out like an item of VS Code's Settings
 * editor (title, description, control; the finding under it). Commits on
 * change (Enter or leaving the field).
 */
function textField(label: string, path: JsonPath, value: string, opts: { placeholder?: string; toValue?: (s: string) => JsonValue | undefined; wide?: boolean; description?: string } = {}): HTMLElement {
  const id = fieldId(path);
  const field = el('vscode-textfield', { id, 'data-key': keyOf(path), ...(opts.placeholder ? { placeholder: opts.placeholder } : {}), ...(opts.wide ? { class: 'wide' } : {}) }) as HTMLElement & { value: string };
  field.value = value;
  field.addEventListener('change', () => {
    const v = opts.toValue ? opts.toValue(field.value) : field.value;
    send({ type: 'set', path, value: v });
  });
  return setting(label, id, field, opts.description);
}

const fieldId = (path: JsonPath): string => 'f-' + keyOf(path).replace(/[^a-zA-Z0-9_-]/g, '_');

/** Title, description and control of one setting; the control is labelled by the title and described by the description. */
function setting(label: string, id: string, control: HTMLElement, description?: string): HTMLElement {
  const item = el('div', { class: 'setting' }, el('label', { class: 'setting-title', for: id, id: `${id}-label` }, label));
  if (description) {
    item.append(el('div', { class: 'setting-description', id: `${id}-desc` }, description));
    control.setAttribute('aria-describedby', `${id}-desc`);
  }
  control.setAttribute('aria-labelledby', `${id}-label`);
  item.append(control);
  return item;
}

/** `offRemoves`: unchecked removes the key (for `hard`, `mask`); otherwise it writes false (`enabled: false` disables a unit, absent leaves it as it is). */
function checkbox(label: string, path: JsonPath, checked: boolean, offRemoves = false): HTMLElement {
  const box = el('vscode-checkbox', { id: fieldId(path), label, 'data-key': keyOf(path) }) as HTMLElement & { checked: boolean };
  box.checked = checked;
  box.addEventListener('change', () => send({ type: 'set', path, value: box.checked ? true : offRemoves ? undefined : false }));
  return el('div', { class: 'setting' }, box);
}

function textArea(label: string, path: JsonPath, value: string, description?: string): HTMLElement {
  const id = fieldId(path);
  const area = el('vscode-textarea', { id, class: 'wide', rows: '6', 'data-key': keyOf(path) }) as HTMLElement & { value: string };
  area.value = value;
  area.addEventListener('change', () => send({ type: 'set', path, value: area.value === '' ? undefined : area.value }));
  return setting(label, id, area, description);
}

/** A card for one array element; its data-key takes the findings about the element as a whole. */
function card(path: JsonPath, title: string, ...children: (Node | string)[]): HTMLElement {
  return el('div', { class: 'card', 'data-key': keyOf(path), tabindex: '-1', role: 'group', 'aria-label': title }, el('h3', {}, title), ...children);
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
  if (errors === 0 && warnings === 0) return el('span', { class: 'status-ok', id: 'status', role: 'status' }, l10n.t('Valid'));
  const parts = [errors === 1 ? l10n.t('{0} error', errors) : l10n.t('{0} errors', errors), warnings === 1 ? l10n.t('{0} warning', warnings) : l10n.t('{0} warnings', warnings)];
  return el('span', { class: errors ? 'sev-error' : 'sev-warning', id: 'status', role: 'status' }, parts.join(', '));
}

function problemsSection(problems: readonly ProblemView[], shown: ReadonlySet<string>): HTMLElement {
  const list = el('ul', { class: 'problems', 'aria-label': l10n.t('Validation results') });
  for (const p of problems) {
    const where = p.line > 0 ? l10n.t('line {0}', p.line) : l10n.t('document');
    const toText = el('button', { class: 'problem', title: l10n.t('Show in the text editor') },
      // not localised: the severity word as the validators (ignition-validate) print it
      el('span', { class: `sev-${p.severity}` }, p.severity), ` ${where}: ${p.message}`, p.path ? el('span', { class: 'muted' }, ` ${p.path}`) : '');
    toText.addEventListener('click', () => send({ type: 'reveal', offset: p.offset, length: p.length }));
    const item = el('li', {}, toText);
    const key = fieldKeyOf(p.path, shown);
    if (key !== undefined) {
      const toField = el('button', { class: 'problem go-to-field', 'data-target': key, title: l10n.t('Go to the field in this form') }, l10n.t('Go to field'));
      toField.addEventListener('click', () => goToField(key));
      item.append(' ', toField);
    }
    list.append(item);
  }
  return el('section', { 'aria-labelledby': 'problems-h' }, el('h2', { id: 'problems-h' }, l10n.t('Validation')),
    problems.length ? list : el('p', { class: 'muted' }, l10n.t('No problems: ignition-validate would accept this config.')));
}

/** Opens the groups around the field of `key`, scrolls to it and gives it the keyboard focus. */
function goToField(key: string): void {
  const target = app.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
  if (!target) return;
  for (let c = target.closest('vscode-collapsible'); c; c = c.parentElement?.closest('vscode-collapsible') ?? null) c.setAttribute('open', '');
  target.scrollIntoView({ block: 'center' });
  target.focus();
}

/** Marks each shown field (or card) that has findings: invalid, the messages under it, described by them. */
function markFields(problems: readonly ProblemView[], shown: ReadonlySet<string>): void {
  for (const [key, found] of problemsByField(problems, shown)) {
    const target = app.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`);
    if (!target) continue;
    const worst = found.some((p) => p.severity === 'error') ? 'error' : found.some((p) => p.severity === 'warning') ? 'warning' : 'info';
    const id = `${target.id || fieldId(key.split('.'))}-problems`;
    const messages = el('div', { class: `field-problems ${worst}`, id, role: worst === 'error' ? 'alert' : 'note' },
      ...found.map((p) => el('div', {}, p.message)));
    if (target.classList.contains('card')) {
      target.classList.add(`has-${worst}`);
      target.querySelector('h3')?.after(messages);
    } else {
      if (worst === 'error') target.setAttribute('invalid', '');
      target.setAttribute('aria-invalid', worst === 'error' ? 'true' : 'false');
      (target.closest('.setting') ?? target).append(messages);
    }
    target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
  }
}

function group(title: string, id: string, open: boolean, ...content: (Node | string)[]): HTMLElement {
  const c = el('vscode-collapsible', { title, id, ...(open ? { open: '' } : {}) });
  const body = el('div', {});
  body.append(...content);
  c.append(body);
  return c;
}

function versionSection(state: DocumentState, config: Obj): HTMLElement {
  const version = strAt(objAt(config, 'ignition'), 'version');
  const select = el('vscode-single-select', { id: 'spec-version', 'data-key': 'ignition.version' }) as HTMLElement & { value: string };
  const versions = state.supportedVersions.includes(version) || !version ? state.supportedVersions : [version, ...state.supportedVersions];
  for (const v of versions) {
    const o = el('vscode-option', { value: v }, v === state.latestVersion ? l10n.t('{0} (latest stable)', v) : v);
    if (v === version) o.setAttribute('selected', '');
    select.append(o);
  }
  select.addEventListener('change', () => send({ type: 'set', path: ['ignition', 'version'], value: select.value }));
  return setting(l10n.t('Spec version'), 'spec-version', select, l10n.t('The Ignition spec this config is written in; the machine\'s Ignition must support it.'));
}

const remove = (label: string, path: JsonPath): HTMLElement => button(label, () => send({ type: 'remove', path }), { secondary: '' });

function usersSection(config: Obj): HTMLElement {
  const users = arrAt(objAt(config, 'passwd'), 'users');
  const cards: HTMLElement[] = users.map((u, i) => {
    const base: JsonPath = ['passwd', 'users', i];
    const user = isObj(u) ? u : {};
    const keys = arrAt(user, 'sshAuthorizedKeys');
    return card(base, strAt(user, 'name') || l10n.t('User {0}', i + 1),
      textField(l10n.t('Name'), [...base, 'name'], strAt(user, 'name'), { description: l10n.t('The account to create or change (core is the default user of Fedora CoreOS).') }),
      ...keys.map((k, j) => el('div', { class: 'row' },
        // not localised: the placeholder is an example of an authorized_keys line
        textField(l10n.t('SSH key {0}', j + 1), [...base, 'sshAuthorizedKeys', j], typeof k === 'string' ? k : '', { wide: true, placeholder: 'ssh-ed25519 AAAA… user@host' }),
        remove(l10n.t('Remove key'), [...base, 'sshAuthorizedKeys', j]))),
      el('div', { class: 'row' },
        button(l10n.t('Add SSH key'), () => send({ type: 'append', path: [...base, 'sshAuthorizedKeys'], value: '' }), { secondary: '' }),
        remove(l10n.t('Remove user'), base)));
  });
  return group(l10n.t('Users ({0})', users.length), 'users', true, ...cards,
    button(l10n.t('Add user'), () => send({ type: 'append', path: ['passwd', 'users'], value: { name: '' } })));
}

function filesSection(config: Obj): HTMLElement {
  const storage = objAt(config, 'storage');
  const files = arrAt(storage, 'files').map((f, i) => {
    const base: JsonPath = ['storage', 'files', i];
    const file = isObj(f) ? f : {};
    return card(base, strAt(file, 'path') || l10n.t('File {0}', i + 1),
      textField(l10n.t('Path'), [...base, 'path'], strAt(file, 'path'), { placeholder: '/etc/example.conf', wide: true, description: l10n.t('Absolute path of the file on the booted system.') }),
      textField(l10n.t('Mode (octal)'), [...base, 'mode'], modeText(file['mode']), { placeholder: '0644', toValue: parseMode, description: l10n.t('Permissions; empty keeps the default (0644 for a new file).') }),
      textField(l10n.t('Contents source'), [...base, 'contents', 'source'], strAt(objAt(file, 'contents'), 'source'), { placeholder: l10n.t('data:,hello%0A or https://…'), wide: true, description: l10n.t('A data:, http(s), tftp, s3, gs or arn URL.') }),
      remove(l10n.t('Remove file'), base));
  });
  const dirs = arrAt(storage, 'directories').map((d, i) => {
    const base: JsonPath = ['storage', 'directories', i];
    const dir = isObj(d) ? d : {};
    return card(base, strAt(dir, 'path') || l10n.t('Directory {0}', i + 1),
      textField(l10n.t('Path'), [...base, 'path'], strAt(dir, 'path'), { placeholder: '/var/example', wide: true, description: l10n.t('Absolute path of the directory.') }),
      textField(l10n.t('Mode (octal)'), [...base, 'mode'], modeText(dir['mode']), { placeholder: '0755', toValue: parseMode }),
      remove(l10n.t('Remove directory'), base));
  });
  const links = arrAt(storage, 'links').map((l, i) => {
    const base: JsonPath = ['storage', 'links', i];
    const link = isObj(l) ? l : {};
    return card(base, strAt(link, 'path') || l10n.t('Link {0}', i + 1),
      textField(l10n.t('Path'), [...base, 'path'], strAt(link, 'path'), { placeholder: '/etc/localtime', wide: true, description: l10n.t('Absolute path of the link.') }),
      textField(l10n.t('Target'), [...base, 'target'], strAt(link, 'target'), { placeholder: '../usr/share/zoneinfo/UTC', wide: true, description: l10n.t('What the link points to.') }),
      checkbox(l10n.t('Hard link'), [...base, 'hard'], link['hard'] === true, true),
      remove(l10n.t('Remove link'), base));
  });
  const n = files.length + dirs.length + links.length;
  return group(l10n.t('Files, directories and links ({0})', n), 'files', n > 0,
    el('h3', {}, l10n.t('Files ({0})', files.length)), ...files,
    button(l10n.t('Add file'), () => send({ type: 'append', path: ['storage', 'files'], value: { path: '/etc/new-file', mode: 0o644, contents: { source: 'data:,' } } }), { secondary: '' }),
    el('h3', {}, l10n.t('Directories ({0})', dirs.length)), ...dirs,
    button(l10n.t('Add directory'), () => send({ type: 'append', path: ['storage', 'directories'], value: { path: '/var/new-directory', mode: 0o755 } }), { secondary: '' }),
    el('h3', {}, l10n.t('Links ({0})', links.length)), ...links,
    button(l10n.t('Add link'), () => send({ type: 'append', path: ['storage', 'links'], value: { path: '/etc/new-link', target: '/etc/hostname' } }), { secondary: '' }));
}

function unitsSection(config: Obj): HTMLElement {
  const units = arrAt(objAt(config, 'systemd'), 'units');
  const cards = units.map((u, i) => {
    const base: JsonPath = ['systemd', 'units', i];
    const unit = isObj(u) ? u : {};
    const dropins = arrAt(unit, 'dropins').map((d, j) => {
      const dbase: JsonPath = [...base, 'dropins', j];
      const dropin = isObj(d) ? d : {};
      return card(dbase, l10n.t('Drop-in {0}', strAt(dropin, 'name') || j + 1),
        textField(l10n.t('Name'), [...dbase, 'name'], strAt(dropin, 'name'), { placeholder: '10-override.conf', description: l10n.t('A .conf file under the unit\'s .d directory.') }),
        textArea(l10n.t('Contents'), [...dbase, 'contents'], strAt(dropin, 'contents')),
        remove(l10n.t('Remove drop-in'), dbase));
    });
    return card(base, strAt(unit, 'name') || l10n.t('Unit {0}', i + 1),
      textField(l10n.t('Name'), [...base, 'name'], strAt(unit, 'name'), { placeholder: 'example.service', description: l10n.t('The unit\'s file name, with its type (.service, .timer, .mount, …).') }),
      el('div', { class: 'row' }, checkbox(l10n.t('Enabled'), [...base, 'enabled'], unit['enabled'] === true), checkbox(l10n.t('Masked'), [...base, 'mask'], unit['mask'] === true, true)),
      textArea(l10n.t('Contents'), [...base, 'contents'], strAt(unit, 'contents'), l10n.t('The unit file; leave empty to change only its drop-ins or state.')),
      el('h3', {}, l10n.t('Drop-ins ({0})', dropins.length)), ...dropins,
      el('div', { class: 'row' },
        button(l10n.t('Add drop-in'), () => send({ type: 'append', path: [...base, 'dropins'], value: { name: '10-override.conf', contents: '[Service]\n' } }), { secondary: '' }),
        remove(l10n.t('Remove unit'), base)));
  });
  return group(l10n.t('Systemd units ({0})', units.length), 'units', units.length > 0, ...cards,
    button(l10n.t('Add unit'), () => send({ type: 'append', path: ['systemd', 'units'], value: { name: 'example.service', enabled: true, contents: '[Unit]\nDescription=Example\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/true\n\n[Install]\nWantedBy=multi-user.target\n' } })));
}

function storageSection(config: Obj): HTMLElement {
  const storage = objAt(config, 'storage');
  const lines: HTMLElement[] = [];
  for (const d of arrAt(storage, 'disks')) if (isObj(d)) lines.push(el('li', {}, l10n.t('disk {0}: {1} partition(s){2}', strAt(d, 'device') || l10n.t('(no device)'), arrAt(d, 'partitions').length, d['wipeTable'] === true ? l10n.t(', wipes table') : '')));
  for (const f of arrAt(storage, 'filesystems')) if (isObj(f)) lines.push(el('li', {}, l10n.t('filesystem {0}: {1}{2}', strAt(f, 'device') || l10n.t('(no device)'), strAt(f, 'format') || l10n.t('(no format)'), strAt(f, 'path') ? l10n.t(' at {0}', strAt(f, 'path')) : '')));
  for (const r of arrAt(storage, 'raid')) if (isObj(r)) lines.push(el('li', {}, l10n.t('raid {0}: {1}', strAt(r, 'name'), strAt(r, 'level'))));
  for (const l of arrAt(storage, 'luks')) if (isObj(l)) lines.push(el('li', {}, l10n.t('luks {0} on {1}', strAt(l, 'name'), strAt(l, 'device'))));
  if (lines.length === 0) lines.push(el('li', { class: 'muted' }, l10n.t('none')));
  return group(l10n.t('Disks, filesystems, RAID, LUKS'), 'storage', false, el('ul', {}, ...lines), el('p', { class: 'muted' }, l10n.t('These are edited in the text editor.')));
}

function kernelArgsSection(config: Obj): HTMLElement {
  const ka = objAt(config, 'kernelArguments');
  const list = (key: 'shouldExist' | 'shouldNotExist', title: string, description: string): HTMLElement => {
    const items = arrAt(ka, key);
    return el('div', {}, el('h3', {}, title), el('div', { class: 'setting-description' }, description),
      ...items.map((a, j) => el('div', { class: 'row' },
        // not localised: the placeholder is an example kernel argument
        textField(l10n.t('{0} {1}', title, j + 1), ['kernelArguments', key, j], typeof a === 'string' ? a : '', { placeholder: 'console=ttyS0' }),
        remove(l10n.t('Remove'), ['kernelArguments', key, j]))),
      button(l10n.t('Add ({0})', title.toLowerCase()), () => send({ type: 'append', path: ['kernelArguments', key], value: '' }), { secondary: '' }));
  };
  return group(l10n.t('Kernel arguments'), 'kargs', !!ka,
    list('shouldExist', l10n.t('Present'), l10n.t('Arguments the booted kernel must have (added if missing, then Ignition reboots).')),
    list('shouldNotExist', l10n.t('Absent'), l10n.t('Arguments the booted kernel must not have.')));
}

function render(state: DocumentState): void {
  // keep the keyboard focus on the same field across re-renders
  const focusedKey = (document.activeElement as HTMLElement | null)?.getAttribute('data-key') ?? undefined;
  const openGroups = new Set([...app.querySelectorAll('vscode-collapsible')].filter((c) => c.hasAttribute('open')).map((c) => c.id));
  const hadGroups = openGroups.size > 0 || app.querySelector('vscode-collapsible') !== null;

  const testBtn = button(l10n.t('Test in VM'), () => send({ type: 'testInVm' }), {
    id: 'test-in-vm',
    title: l10n.t('Boot a VM of a build with this config'),
  });
  const header = el('h1', {}, el('span', {}, state.fileName), summary(state.problems), testBtn);
  const form: Node[] = [];
  if (!state.config) {
    form.push(el('p', { class: 'sev-error', role: 'alert' }, state.parseError ?? l10n.t('No config.')));
  } else {
    const c = state.config;
    form.push(versionSection(state, c), usersSection(c), unitsSection(c), filesSection(c), kernelArgsSection(c), storageSection(c));
  }
  app.replaceChildren(header, ...form);
  const shown = new Set([...app.querySelectorAll('[data-key]')].map((e) => e.getAttribute('data-key')!));
  app.append(problemsSection(state.problems, shown));
  markFields(state.problems, shown);

  if (hadGroups) {
    for (const c of app.querySelectorAll('vscode-collapsible')) {
      if (openGroups.has(c.id)) c.setAttribute('open', ''); else c.removeAttribute('open');
    }
  }
  // a group holding a field in error is open: the mark is where the user looks
  for (const bad of app.querySelectorAll('[invalid], .card.has-error')) {
    for (let c = bad.closest('vscode-collapsible'); c; c = c.parentElement?.closest('vscode-collapsible') ?? null) c.setAttribute('open', '');
  }
  if (focusedKey) (app.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      // before the first render: every text of the form goes through the bundle
      l10n.config({ contents: m.l10nBundle });
      document.body.dataset.theme = m.theme;
      break;
    case 'document':
      render(m.state);
      break;
  }
});
send({ type: 'ready' });
