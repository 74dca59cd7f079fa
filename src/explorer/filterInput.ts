import * as vscode from 'vscode';
import { filterProblem } from './filter/parser';

export const FILTER_EXAMPLE = 'params.lr < 0.01 and metrics.val/acc > 0.9 and status = finished and tag:baseline';

const HELP =
  'Fields: params.<key>, metrics.<key> (last value; .min .max .count), summary.<key>, status, name, tags, project, group, step, duration (90s, 5m, 2h), started (2024-05-01), starred, archived. ' +
  'Operators: < <= > >= = != ~ (contains); and, or, not, ( ); shorthands tag:x is:starred is:running; a bare word searches names and tags.';

/**
 * Asks for a filter with live validation, applying each valid expression as it is typed so the tree previews
 * the result. Escape restores the previous filter. Resolves with the accepted filter, or undefined.
 */
export function askForFilter(current: string, preview: (filter: string) => void): Promise<string | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = 'Filter Runs';
    box.value = current;
    box.placeholder = FILTER_EXAMPLE;
    box.prompt = HELP;
    let accepted = false;
    let timer: NodeJS.Timeout | undefined;
    const validate = (value: string): void => {
      const problem = filterProblem(value);
      box.validationMessage = problem ? { message: problem.message, severity: vscode.InputBoxValidationSeverity.Error } : undefined;
      if (timer) clearTimeout(timer);
      if (!problem) timer = setTimeout(() => preview(value.trim()), 150);
    };
    validate(current);
    box.onDidChangeValue(validate);
    box.onDidAccept(() => {
      if (filterProblem(box.value)) return;
      accepted = true;
      if (timer) clearTimeout(timer);
      resolve(box.value.trim());
      box.hide();
    });
    box.onDidHide(() => {
      if (timer) clearTimeout(timer);
      if (!accepted) {
        preview(current);
        resolve(undefined);
      }
      box.dispose();
    });
    box.show();
  });
}
