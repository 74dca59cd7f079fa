// One colour per run for the life of a panel, so a run is the same colour in every chart, table and legend,
// and adding or removing runs never repaints the others. The first colours are the theme's chart colours.

/** VS Code's chart colour variables, in the order runs get them. */
export const THEME_COLOR_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
] as const;

/** Colour slot per run id: existing runs keep theirs, new runs take the lowest free slot. */
export function assignSlots(previous: ReadonlyMap<string, number>, runIds: readonly string[]): Map<string, number> {
  const slots = new Map<string, number>();
  for (const id of runIds) {
    const slot = previous.get(id);
    if (slot !== undefined && ![...slots.values()].includes(slot)) slots.set(id, slot);
  }
  const used = new Set(slots.values());
  let next = 0;
  for (const id of runIds) {
    if (slots.has(id)) continue;
    while (used.has(next)) next++;
    slots.set(id, next);
    used.add(next);
  }
  return slots;
}

/**
 * A CSS colour for a slot: the theme's chart colours first (so light, dark and high contrast themes are right),
 * then hues spread by the golden angle so hundreds of runs stay distinguishable.
 */
export function slotColor(slot: number): string {
  if (slot < THEME_COLOR_VARS.length) return `var(${THEME_COLOR_VARS[slot]})`;
  const k = slot - THEME_COLOR_VARS.length;
  const hue = Math.round((k * 137.508 + 20) % 360);
  const light = [55, 42, 68][k % 3];
  return `hsl(${hue} 70% ${light}%)`;
}
