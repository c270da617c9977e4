// The prerequisites report's body (src/vscode/prerequisitesReport.ts shows it
// in the page of ./page.ts): one table row per check with the anchor
// `check-<id>`, status as codicons with a text alternative (not emoji: without
// an emoji font ✅/❌ render as empty boxes), buttons that run one of the
// commands ./reportMessages.ts accepts. Pure; every text escaped.

import { type CheckId, type CheckResult, type CheckStatus, checkAnchor } from '../../src/cosa/prerequisites';
import { escapeHtml } from './page';
import { COMMANDS } from '../../src/commandIds';
import * as l10n from '@vscode/l10n';

export interface ReportBody {
  readonly results: readonly CheckResult[];
  /** The row to scroll to and highlight. */
  readonly focus?: CheckId;
  /** When the facts were collected (ms), shown under the title. */
  readonly collectedAt?: number;
}

/** `code` spans and **bold** of the fix texts, after escaping. */
function inlineMarkup(s: string): string {
  return escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** A function, not a table: the words are looked up in the bundle the host configured (src/vscode/webviewHtml.ts). */
const statusCodicon = (status: CheckStatus): { icon: string; label: string } => ({
  ok: { icon: 'pass-filled', label: l10n.t('ok') },
  warn: { icon: 'warning', label: l10n.t('warning') },
  fail: { icon: 'error', label: l10n.t('failed') },
}[status]);

export function renderReportBody(page: ReportBody): string {
  const { results } = page;
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const r of results) {
    counts[r.status]++;
  }
  const rows = results.map((r) => {
    const action = r.action
      ? ` <button type="button" data-command="${escapeHtml(r.action.command)}">${escapeHtml(r.action.title)}</button>`
      : '';
    return `<tr id="${checkAnchor(r.id)}" class="${r.status}${page.focus === r.id ? ' focus' : ''}" data-status="${r.status}">`
      + `<td class="status" title="${escapeHtml(statusCodicon(r.status).label)}"><span class="codicon codicon-${statusCodicon(r.status).icon}" role="img" aria-label="${escapeHtml(statusCodicon(r.status).label)}"></span></td>`
      + `<th scope="row">${escapeHtml(r.title)}</th>`
      + `<td class="detail">${inlineMarkup(r.detail)}</td>`
      + `<td class="fix">${r.fix ? inlineMarkup(r.fix) : ''}${action}</td></tr>`;
  }).join('\n');
  const when = page.collectedAt !== undefined ? escapeHtml(l10n.t(' Checked {0}.', new Date(page.collectedAt).toLocaleString())) : '';
  const summary = counts.warn === 1
    ? l10n.t('{0} ok, {1} warning, {2} failed.', counts.ok, counts.warn, counts.fail)
    : l10n.t('{0} ok, {1} warnings, {2} failed.', counts.ok, counts.warn, counts.fail);
  return `<h1>${escapeHtml(l10n.t('CoreOS Assembler: prerequisites'))}</h1>
<p class="summary" id="summary">${escapeHtml(summary)}${when} <button type="button" data-command="${COMMANDS.checkPrerequisites}">${escapeHtml(l10n.t('Check Again'))}</button></p>
<table>
<thead><tr><th aria-label="${escapeHtml(l10n.t('Status'))}"></th><th>${escapeHtml(l10n.t('Check'))}</th><th>${escapeHtml(l10n.t('Result'))}</th><th>${escapeHtml(l10n.t('Fix'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
