// Turns CSS colours (theme variables, hsl()) into concrete rgb() strings a canvas can use, and follows theme
// changes: VS Code swaps the body's vscode-light / vscode-dark / vscode-high-contrast class.

const cache = new Map<string, [number, number, number, number]>();
let probe: HTMLElement | undefined;

function rgba(css: string): [number, number, number, number] {
  const hit = cache.get(css);
  if (hit) return hit;
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
