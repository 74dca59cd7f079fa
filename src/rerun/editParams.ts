// "Edit params…": a list of the run's params with their values for the rerun; pick one to type a new value.
import * as vscode from 'vscode';
import { formatParamInput, fromParamValue, parseParamInput, sameParamValue, type ExactParam, type OverrideValue } from './model/overrides';

interface ParamItem extends vscode.QuickPickItem {
  action: 'done' | 'reset' | 'add' | 'edit';
  key?: string;
}

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\s+/g, ' ');

function describe(kind: string, value: OverrideValue): string {
  return kind === 'string' ? `string ${JSON.stringify(value)}` : `${kind} ${formatParamInput(value)}`;
}

async function askValue(key: string, current: OverrideValue, recorded: ExactParam | undefined): Promise<OverrideValue | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Value of ${key}`,
    prompt: `JSON where valid (0.01, true, null, [1, 2], "0.01" for a string; integers keep every digit), anything else is a string.${
      recorded === undefined ? '' : ` Recorded: ${clip(formatParamInput(fromParamValue(recorded)), 80)}`
    }`,
    value: formatParamInput(current),
    ignoreFocusOut: true,
    validateInput: (t) => {
      const parsed = parseParamInput(t);
      return { message: `Will be sent as ${clip(describe(parsed.kind, parsed.value), 120)}`, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  return text === undefined ? undefined : parseParamInput(text).value;
}

/**
 * Lets the user change override values; returns the new overrides, or undefined when cancelled (Escape).
 * `params` hold exact digits as `{"$int": …}` (see exactParams), so an untouched big integer goes back exact.
 */
export async function editParams(
  params: Readonly<Record<string, ExactParam>>,
  start: Readonly<Record<string, OverrideValue>>,
): Promise<Record<string, OverrideValue> | undefined> {
  const overrides: Record<string, OverrideValue> = { ...start };
  for (;;) {
    const keys = [...new Set([...Object.keys(params), ...Object.keys(overrides)])].sort();
    const items: ParamItem[] = [
      { action: 'done', label: '$(check) Done', description: 'back to the rerun review', alwaysShow: true },
      { action: 'add', label: '$(add) Add an override…', description: 'a key the run did not log', alwaysShow: true },
      { action: 'reset', label: '$(discard) Reset to the recorded configuration', alwaysShow: true },
      { kind: vscode.QuickPickItemKind.Separator, label: 'params', action: 'edit' },
    ];
    for (const key of keys) {
      const has = key in overrides;
      const value = has ? (overrides[key] as OverrideValue) : fromParamValue(params[key] as ExactParam);
      const changed = has && !sameParamValue(params[key], value);
      items.push({
        action: 'edit',
        key,
        label: key,
        description: clip(formatParamInput(value)),
        detail: changed ? `$(edit) changed from ${key in params ? clip(formatParamInput(fromParamValue(params[key] as ExactParam)), 120) : '(not logged)'}` : undefined,
      });
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Edit params for the rerun',
      placeHolder: 'Pick a param to change its value',
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.action === 'done') return overrides;
    if (picked.action === 'reset') {
      for (const k of Object.keys(overrides)) delete overrides[k];
      continue;
    }
    let key = picked.key;
    if (picked.action === 'add') {
      key = (await vscode.window.showInputBox({
        title: 'Override key',
        prompt: 'A dotted config key, for example optimizer.lr',
        ignoreFocusOut: true,
        validateInput: (t) => (t.trim() === '' ? 'A key is required.' : undefined),
      }))?.trim();
    }
    if (key === undefined) continue;
    const current = key in overrides ? (overrides[key] as OverrideValue) : key in params ? fromParamValue(params[key] as ExactParam) : '';
    const value = await askValue(key, current, params[key]);
    if (value === undefined) continue;
    // Setting a param back to its recorded value removes the override: the rerun stays a reproduction.
    if (key in params && sameParamValue(params[key], value) && !(key in start)) delete overrides[key];
    else overrides[key] = value;
  }
}
