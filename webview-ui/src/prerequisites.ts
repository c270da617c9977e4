// Script of the prerequisites report (./prerequisitesPage.ts): its buttons ask
// the host to run a command (checked there by ./reportMessages.ts), and a
// `reveal` message (or the page's data-focus) scrolls to a check's row and
// highlights it.
import type { ReportToHost } from './reportMessages';

interface VsCodeApi { postMessage(message: ReportToHost): void }
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

document.addEventListener('click', (e) => {
  const b = e.target instanceof Element ? e.target.closest('button[data-command]') : null;
  const command = b?.getAttribute('data-command');
  // the host refuses anything but its own commands; the cast is only the type's name for it
  if (command) vscode.postMessage({ type: 'command', command: command as ReportToHost['command'] });
});

function reveal(id: string | undefined): void {
  for (const r of document.querySelectorAll('tr.focus')) r.classList.remove('focus');
  const row = id ? document.getElementById(id) : null;
  if (row) {
    row.classList.add('focus');
    row.scrollIntoView({ block: 'center' });
  }
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data;
  if (typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'reveal') {
    const anchor = (m as { anchor?: unknown }).anchor;
    reveal(typeof anchor === 'string' ? anchor : undefined);
  }
});
reveal(document.body.dataset.focus);
