// The Build Overview's body (src/vscode/buildOverview.ts shows it in the page
// of ./page.ts): the pipeline as an ordered list of steps with their state
// (codicon + words, so colour is never the only signal), the next step as a
// button, the facts, the images, and a bar chart of image sizes across the
// last builds as inline SVG (classes only: the CSP allows no inline style)
// with the same numbers in a table for screen readers. Pure; every text escaped.

import { durationText, type Overview, type SizePoint, type StepState } from '../../src/cosa/buildOverview';
import { escapeHtml as h } from './page';
import { COMMANDS } from '../../src/commandIds';
import * as l10n from '@vscode/l10n';

/** A function, not a table: the words are looked up in the bundle the host configured (src/vscode/webviewHtml.ts). */
const stateOf = (state: StepState): { icon: string; words: string } => ({
  done: { icon: 'pass-filled', words: l10n.t('done') },
  todo: { icon: 'circle-large-outline', words: l10n.t('not yet') },
  warn: { icon: 'warning', words: l10n.t('needs attention') },
  failed: { icon: 'error', words: l10n.t('failed') },
  running: { icon: 'vm-running', words: l10n.t('running') },
}[state]);

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(bytes >= 100 * 1024 * 1024 ? 0 : 1);
}

interface Bar {
  readonly id: string;
  readonly value: number;
  /** A part of the value drawn darker (the qemu image of all images). */
  readonly part?: number;
  readonly title: string;
  readonly current: boolean;
}

/** Bars, oldest left, the overview's build marked; inline SVG with classes only (the CSP allows no inline style). */
function barChart(bars: readonly Bar[], ariaLabel: string): string {
  const width = 560;
  const height = 160;
  const top = 16;
  const bottom = 28;
  const max = Math.max(1, ...bars.map((p) => p.value));
  const slot = width / bars.length;
  const w = Math.max(4, Math.min(40, slot * 0.6));
  const scale = (v: number): number => ((height - top - bottom) * v) / max;
  const g = bars.map((p, i) => {
    const x = (i * slot + (slot - w) / 2).toFixed(1);
    const rect = (cls: string, v: number): string => `<rect class="${cls}" x="${x}" y="${(height - bottom - scale(v)).toFixed(1)}" width="${w.toFixed(1)}" height="${scale(v).toFixed(1)}"></rect>`;
    return `<g class="bar${p.current ? ' current' : ''}"><title>${h(p.title)}</title>${rect('all', p.value)}${p.part ? rect('qemu', p.part) : ''}`
      + `<text x="${(i * slot + slot / 2).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle">${h(p.id.length > 14 ? '…' + p.id.slice(-13) : p.id)}</text></g>`;
  }).join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${h(ariaLabel)}"><line class="axis" x1="0" x2="${width}" y1="${height - bottom}" y2="${height - bottom}"></line>${g}</svg>`;
}

/** Image sizes and (where the extension measured them) build times across builds, oldest first, with the numbers as a table. */
export function sizeChart(points: readonly SizePoint[]): string {
  if (points.length === 0) return `<p class="muted">${h(l10n.t('No builds to compare.'))}</p>`;
  const max = Math.max(1, ...points.map((p) => p.imagesBytes));
  const sizes = barChart(points.map((p) => ({
    id: p.id, value: p.imagesBytes, part: p.qemuBytes, current: p.current,
    title: l10n.t('{0}: {1} MiB of images{2}', p.id, mib(p.imagesBytes), p.qemuBytes ? l10n.t(', qemu {0} MiB', mib(p.qemuBytes)) : ''),
  })), points.length === 1
    ? l10n.t('Image sizes of the last {0} build, oldest first; largest {1} MiB', points.length, mib(max))
    : l10n.t('Image sizes of the last {0} builds, oldest first; largest {1} MiB', points.length, mib(max)));
  const timed = points.filter((p) => p.buildMs !== undefined);
  const times = timed.length
    ? `<h3>${h(l10n.t('Build time'))}</h3>${barChart(timed.map((p) => ({ id: p.id, value: p.buildMs!, current: p.current, title: l10n.t('{0}: cosa build took {1}', p.id, durationText(p.buildMs!)) })),
      timed.length === 1
        ? l10n.t('Build time of the {0} build run from this editor, oldest first; longest {1}', timed.length, durationText(Math.max(...timed.map((p) => p.buildMs!))))
        : l10n.t('Build time of the {0} builds run from this editor, oldest first; longest {1}', timed.length, durationText(Math.max(...timed.map((p) => p.buildMs!)))))}`
    : `<p class="muted">${h(l10n.t('Build times show for builds made from this editor (meta.json records none).'))}</p>`;
  const rows = points.map((p) => `<tr${p.current ? ' class="current"' : ''}><th scope="row">${h(p.id)}</th><td>${h(p.when ?? '')}</td><td>${mib(p.imagesBytes)}</td><td>${p.qemuBytes ? mib(p.qemuBytes) : ''}</td><td>${p.buildMs !== undefined ? h(durationText(p.buildMs)) : ''}</td></tr>`).join('\n');
  return `<h3>${h(l10n.t('Image sizes'))}</h3>${sizes}
<p class="legend muted"><span class="swatch all"></span> ${h(l10n.t('all images'))} <span class="swatch qemu"></span> ${h(l10n.t('qemu image'))}</p>
${times}
<details><summary>${h(l10n.t('As a table'))}</summary>
<table class="sizes"><thead><tr><th>${h(l10n.t('Build'))}</th><th>${h(l10n.t('Built'))}</th><th>${h(l10n.t('Images (MiB)'))}</th><th>${h(l10n.t('qemu (MiB)'))}</th><th>${h(l10n.t('Build time'))}</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

export function renderOverviewBody(o: Overview): string {
  const steps = o.steps.map((s) => `<li class="step ${s.state}" id="step-${h(s.id)}" tabindex="0" aria-label="${h(`${s.label}: ${stateOf(s.state).words}. ${s.detail}`)}">`
    + `<span class="codicon codicon-${stateOf(s.state).icon}" aria-hidden="true"></span>`
    + `<span class="label">${h(s.label)}</span><span class="state">${h(stateOf(s.state).words)}</span><span class="detail">${h(s.detail)}</span></li>`).join('\n');
  const next = o.next
    ? `<p class="next"><button type="button" id="next-step" data-command="${h(o.next.command)}">${h(o.next.title)}</button> <span class="muted">${h(o.next.why)}</span></p>`
    : `<p class="next muted">${h(l10n.t('Nothing left to do for this build here; the kola tests run from the Testing view.'))}</p>`;
  const facts = o.facts.map((f) => `<tr><th scope="row">${h(f.label)}</th><td>${h(f.value)}</td></tr>`).join('\n');
  const images = o.images.map((i) => `<tr><th scope="row">${h(i.kind)}</th><td><code>${h(i.file)}</code></td><td>${h(i.size)}</td><td>${h(i.state)}</td></tr>`).join('\n');
  const problems = o.problems.length
    ? `<section aria-labelledby="problems-h"><h2 id="problems-h" class="sev-warning">${h(l10n.t('meta.json problems'))}</h2><ul>${o.problems.map((p) => `<li>${h(p)}</li>`).join('')}</ul></section>`
    : '';
  return `<main>
<h1>${h(l10n.t('Build {0}', o.buildId))} <span class="muted">${h(o.arch)}</span></h1>
<p class="actions"><button type="button" class="secondary" data-command="${COMMANDS.openMetaJson}">${h(l10n.t('Open meta.json'))}</button> <button type="button" class="secondary" data-command="${COMMANDS.revealBuild}">${h(l10n.t('Reveal in Explorer'))}</button></p>
<section aria-labelledby="pipeline-h"><h2 id="pipeline-h">${h(l10n.t('Where this build stands'))}</h2>
<ol class="pipeline" id="pipeline">
${steps}
</ol>
${next}
</section>
${problems}
<section aria-labelledby="facts-h"><h2 id="facts-h">${h(l10n.t('Facts'))}</h2>
<table class="facts" id="facts"><tbody>
${facts}
</tbody></table></section>
<section aria-labelledby="images-h"><h2 id="images-h">${h(l10n.t('Images'))}</h2>
${o.images.length ? `<table class="images"><thead><tr><th>${h(l10n.t('Kind'))}</th><th>${h(l10n.t('File'))}</th><th>${h(l10n.t('Size'))}</th><th>${h(l10n.t('State'))}</th></tr></thead><tbody>\n${images}\n</tbody></table>` : `<p class="muted">${h(l10n.t('meta.json lists no images.'))}</p>`}
</section>
<section aria-labelledby="chart-h"><h2 id="chart-h">${h(l10n.t('Across builds'))}</h2>
${sizeChart(o.sizes)}
</section>
</main>`;
}
