// Script of the prerequisites report (./prerequisitesPage.ts): its buttons ask
// the host to run a command (./commandButtons.ts), and a `reveal` message (or
// the page's data-focus) scrolls to a check's row and highlights it.
import { sendCommandsOnClick, type VsCodeApi } from './commandButtons';
import type { ReportToHost } from './reportMessages';

declare function acquireVsCodeApi(): VsCodeApi<ReportToHost>;
sendCommandsOnClick(acquireVsCodeApi());

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
