// The chart toolbar shared by the dashboard and the compare view: x axis, y scale, smoothing, zoom range.
// Every control is a labelled form control, reachable and operable from the keyboard.
import type { ChartOptions, XMode, YScale } from '../../src/protocol/common';
import { formatX } from './axes';
import { h } from './dom';
import type { SelectElement } from './elements';

export interface ControlsHandle {
  el: HTMLElement;
  set(options: ChartOptions): void;
  showRange(range: [number, number] | null): void;
}

let ids = 0;

function select<T extends string>(label: string, choices: Array<[T, string]>, onChange: (v: T) => void): { wrap: HTMLElement; sel: SelectElement } {
  const id = `ctl-${++ids}`;
  const sel = h('vscode-single-select', { id, 'aria-label': label }) as SelectElement;
  for (const [value, text] of choices) sel.append(h('vscode-option', { value }, text));
  sel.addEventListener('change', () => onChange(sel.value as T));
  return { wrap: h('div', { class: 'control' }, h('label', { for: id }, label), sel), sel };
}

export function chartControls(initial: ChartOptions, onChange: (o: ChartOptions) => void, onZoom: (range: [number, number] | null) => void): ControlsHandle {
  let options = { ...initial };
  const change = (patch: Partial<ChartOptions>): void => {
    options = { ...options, ...patch };
    syncRangeInputs();
    onChange(options);
  };
  const x = select<XMode>('X axis', [['step', 'Step'], ['time', 'Wall time'], ['relative', 'Relative time']], (v) => change({ x: v }));
  x.sel.dataset.control = 'x';
  const y = select<YScale>('Y scale', [['linear', 'Linear'], ['log', 'Log']], (v) => change({ y: v }));
  y.sel.dataset.control = 'y';

  const sid = `ctl-${++ids}`;
  const slider = h('input', { id: sid, type: 'range', min: 0, max: 0.99, step: 0.01, 'data-control': 'smoothing' });
  const out = h('output', { for: sid });
  let timer: number | undefined;
  slider.addEventListener('input', () => {
    out.textContent = Number(slider.value).toFixed(2);
    // Redrawing a hundred runs on every pixel of a drag is wasted work: settle first.
    window.clearTimeout(timer);
    timer = window.setTimeout(() => change({ smoothing: Number(slider.value) }), 60);
  });
  const smoothing = h('div', { class: 'control' }, h('label', { for: sid }, 'Smoothing'), slider, out);

  const fromId = `ctl-${++ids}`;
  const from = h('input', { id: fromId, type: 'number', class: 'range-input', 'data-control': 'from' });
  const to = h('input', { type: 'number', class: 'range-input', 'aria-label': 'Zoom to', 'data-control': 'to' });
  const unit = h('span', { class: 'unit' });
  const apply = h('vscode-button', { secondary: true, 'data-control': 'zoom' }, 'Zoom');
  const reset = h('vscode-button', { secondary: true, 'data-control': 'reset-zoom' }, 'Reset zoom');
  const scale = (): number => (options.x === 'relative' ? 1000 : 1);
  apply.addEventListener('click', () => {
    const a = Number(from.value) * scale();
    const b = Number(to.value) * scale();
    if (from.value !== '' && to.value !== '' && Number.isFinite(a) && Number.isFinite(b) && b > a) onZoom([a, b]);
  });
  reset.addEventListener('click', () => onZoom(null));
  for (const input of [from, to]) input.addEventListener('keydown', (e) => e.key === 'Enter' && apply.click());
  const zoom = h('div', { class: 'control' }, h('label', { for: fromId }, 'Zoom'), from, h('span', {}, '–'), to, unit, apply, reset);

  function syncRangeInputs(): void {
    // Wall-clock ranges are easier to pick by dragging on a chart than typing epoch milliseconds.
    const typed = options.x !== 'time';
    from.disabled = !typed;
    to.disabled = !typed;
    unit.textContent = options.x === 'relative' ? 's' : options.x === 'step' ? 'steps' : 'drag on a chart';
  }

  const handle: ControlsHandle = {
    el: h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Chart options' }, x.wrap, y.wrap, smoothing, zoom),
    set(o) {
      options = { ...o };
      x.sel.value = o.x;
      y.sel.value = o.y;
      slider.value = String(o.smoothing);
      out.textContent = o.smoothing.toFixed(2);
      syncRangeInputs();
    },
    showRange(range) {
      from.value = range ? String(Number((range[0] / scale()).toPrecision(6))) : '';
      to.value = range ? String(Number((range[1] / scale()).toPrecision(6))) : '';
      unit.title = range ? `${formatX(range[0], options.x)} – ${formatX(range[1], options.x)}` : '';
    },
  };
  handle.set(initial);
  return handle;
}
