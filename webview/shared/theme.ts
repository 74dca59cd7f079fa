// Turns CSS colours (theme variables, hsl()) into concrete rgb() strings a canvas can use, and follows theme
// changes: VS Code swaps the body's vscode-light / vscode-dark / vscode-high-contrast class.

const cache = new Map<string, [number, number, number, number]>();
let probe: HTMLElement | undefined;

/** hsl() without the DOM: asking the browser forces a style recalculation per colour, slow with many runs. */
function hslToRgba(css: string): [number, number, number, number] | undefined {
  const m = /^hsl\(([\d.]+) ([\d.]+)% ([\d.]+)%\)$/.exec(css);
  if (!m) return undefined;
  const h = Number(m[1]) / 360;
  const s = Number(m[2]) / 100;
  const l = Number(m[3]) / 100;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number): number => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    const v = u < 1 / 6 ? p + (q - p) * 6 * u : u < 1 / 2 ? q : u < 2 / 3 ? p + (q - p) * (2 / 3 - u) * 6 : p;
    return Math.round(v * 255);
  };
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3), 1];
}

function rgba(css: string): [number, number, number, number] {
  const hit = cache.get(css);
  if (hit) return hit;
  const direct = hslToRgba(css);
  if (direct) {
    cache.set(css, direct);
    return direct;
  }
  probe ??= document.body.appendChild(document.createElement('span'));
  probe.hidden = true;
  probe.style.color = '';
  probe.style.color = css;
  const m = /rgba?\(([\d.]+)[, ]+([\d.]+)[, ]+([\d.]+)(?:[,/ ]+([\d.]+))?/.exec(getComputedStyle(probe).color);
  const v: [number, number, number, number] = m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : [128, 128, 128, 1];
  cache.set(css, v);
  return v;
}

/** A canvas colour for any CSS colour, optionally with an alpha. */
export function canvasColor(css: string, alpha = 1): string {
  const [r, g, b, a] = rgba(css);
  return `rgba(${r}, ${g}, ${b}, ${a * alpha})`;
}

export function themeColors(): { text: string; grid: string; background: string; muted: string } {
  return {
    text: canvasColor('var(--vscode-editor-foreground)'),
    muted: canvasColor('var(--vscode-descriptionForeground)'),
    grid: canvasColor('var(--vscode-editor-foreground)', 0.12),
    background: canvasColor('var(--vscode-editor-background)'),
  };
}

export function onThemeChange(handler: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className === last) return;
    last = document.body.className;
    cache.clear();
    handler();
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
