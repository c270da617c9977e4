// The Build Overview's body (src/vscode/buildOverview.ts shows it in the page
// of ./page.ts): the pipeline as an ordered list of steps with their state
// (codicon + words, so colour is never the only signal), the next step as a
// button, the facts, the images, and a bar chart of image sizes across the
// last builds as inline SVG (classes only: the CSP allows no inline style)
// with the same numbers in a table for screen readers. Pure; every text escaped.

import { durationText, type Overview, type SizePoint, type StepState } from '../../src/cosa/buildOverview';
import { escapeHtml as h } from './page';
import { COMMANDS } from '../../src/commandIds';

const STATE: Record<StepState, { icon: string; words: string }> = {
  done: { icon: 'pass-filled', words: 'done' },
  todo: { icon: 'circle-large-outline', words: 'not yet' },
  warn: { icon: 'warning', words: 'needs attention' },
  failed: { icon: 'error', words: 'failed' },
  running: { icon: 'vm-running', words: 'running' },
};

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
  if (points.length === 0) return '<p class="muted">No builds to compare.</p>';
  const max = Math.max(1, ...points.map((p) => p.imagesBytes));
  const sizes = barChart(points.map((p) => ({
    id: p.id, value: p.imagesBytes, part: p.qemuBytes, current: p.current,
    title: `${p.id}: ${mib(p.imagesBytes)} MiB of images${p.qemuBytes ? `, qemu ${mib(p.qemuBytes)} MiB` : ''}`,
  })), `Image sizes of the last ${points.length} build${points.length === 1 ? '' : 's'}, oldest first; largest ${mib(max)} MiB`);
  const timed = points.filter((p) => p.buildMs !== undefined);
  const times = timed.length
    ? `<h3>Build time</h3>${barChart(timed.map((p) => ({ id: p.id, value: p.buildMs!, current: p.current, title: `${p.id}: cosa build took ${durationText(p.buildMs!)}` })),
      `Build time of the ${timed.length} build${timed.length === 1 ? '' : 's'} run from this editor, oldest first; longest ${durationText(Math.max(...timed.map((p) => p.buildMs!)))}`)}`
    : '<p class="muted">Build times show for builds made from this editor (meta.json records none).</p>';
  const rows = points.map((p) => `<tr${p.current ? ' class="current"' : ''}><th scope="row">${h(p.id)}</th><td>${h(p.when ?? '')}</td><td>${mib(p.imagesBytes)}</td><td>${p.qemuBytes ? mib(p.qemuBytes) : ''}</td><td>${p.buildMs !== undefined ? h(durationText(p.buildMs)) : ''}</td></tr>`).join('\n');
  return `<h3>Image sizes</h3>${sizes}
<p class="legend muted"><span class="swatch all"></span> all images <span class="swatch qemu"></span> qemu image</p>
${times}
<details><summary>As a table</summary>
<table class="sizes"><thead><tr><th>Build</th><th>Built</th><th>Images (MiB)</th><th>qemu (MiB)</th><th>Build time</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

export function renderOverviewBody(o: Overview): string {
  const steps = o.steps.map((s) => `<li class="step ${s.state}" id="step-${h(s.id)}" tabindex="0" aria-label="${h(`${s.label}: ${STATE[s.state].words}. ${s.detail}`)}">`
    + `<span class="codicon codicon-${STATE[s.state].icon}" aria-hidden="true"></span>`
    + `<span class="label">${h(s.label)}</span><span class="state">${STATE[s.state].words}</span><span class="detail">${h(s.detail)}</span></li>`).join('\n');
  const next = o.next
    ? `<p class="next"><button type="button" id="next-step" data-command="${h(o.next.command)}">${h(o.next.title)}</button> <span class="muted">${h(o.next.why)}</span></p>`
    : '<p class="next muted">Nothing left to do for this build here; the kola tests run from the Testing view.</p>';
  const facts = o.facts.map((f) => `<tr><th scope="row">${h(f.label)}</th><td>${h(f.value)}</td></tr>`).join('\n');
  const images = o.images.map((i) => `<tr><th scope="row">${h(i.kind)}</th><td><code>${h(i.file)}</code></td><td>${h(i.size)}</td><td>${h(i.state)}</td></tr>`).join('\n');
  const problems = o.problems.length
    ? `<section aria-labelledby="problems-h"><h2 id="problems-h" class="sev-warning">meta.json problems</h2><ul>${o.problems.map((p) => `<li>${h(p)}</li>`).join('')}</ul></section>`
    : '';
  return `<main>
<h1>Build ${h(o.buildId)} <span class="muted">${h(o.arch)}</span></h1>
<p class="actions"><button type="button" class="secondary" data-command="${COMMANDS.openMetaJson}">Open meta.json</button> <button type="button" class="secondary" data-command="${COMMANDS.revealBuild}">Reveal in Explorer</button></p>
<section aria-labelledby="pipeline-h"><h2 id="pipeline-h">Where this build stands</h2>
<ol class="pipeline" id="pipeline">
${steps}
</ol>
${next}
</section>
${problems}
<section aria-labelledby="facts-h"><h2 id="facts-h">Facts</h2>
<table class="facts" id="facts"><tbody>
${facts}
</tbody></table></section>
<section aria-labelledby="images-h"><h2 id="images-h">Images</h2>
${o.images.length ? `<table class="images"><thead><tr><th>Kind</th><th>File</th><th>Size</th><th>State</th></tr></thead><tbody>\n${images}\n</tbody></table>` : '<p class="muted">meta.json lists no images.</p>'}
</section>
<section aria-labelledby="chart-h"><h2 id="chart-h">Across builds</h2>
${sizeChart(o.sizes)}
</section>
</main>`;
}
