// A trial's command line from the sweep's command template and W&B's macros. Params reach the program both as
// arguments and through TRACKSIDE_CONFIG_OVERRIDES, so `run.config` holds them whichever the program reads.
import { nest, type Params, type Value } from './space';

export interface CommandContext {
  program?: string;
  /** The Python to start (`${interpreter}`). */
  interpreter: string;
  /** Where `${args_json_file}` is written; the caller writes `argsJson` there. */
  argsJsonFile: string;
}

/** How W&B's agent spells a value on the command line (Python's spelling of booleans and None). */
function argText(v: Value): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function argsJson(params: Params): string {
  return JSON.stringify(nest(params));
}

export function buildCommand(template: readonly string[], params: Params, ctx: CommandContext): string[] {
  const args = Object.entries(params).map(([k, v]) => `--${k}=${argText(v)}`);
  const bare = Object.entries(params).map(([k, v]) => `${k}=${argText(v)}`);
  const out: string[] = [];
  for (const part of template) {
    if (part === '${env}') continue; // W&B's `/usr/bin/env`: the launcher resolves the program on PATH itself
    if (part === '${args}') out.push(...args);
    else if (part === '${args_no_hyphens}') out.push(...bare);
    else {
      out.push(
        part
          .replace(/\$\{interpreter\}/g, ctx.interpreter)
          .replace(/\$\{program\}/g, ctx.program ?? '')
          .replace(/\$\{args_json_file\}/g, ctx.argsJsonFile)
          .replace(/\$\{args_json\}/g, argsJson(params)),
      );
    }
  }
  return out;
}
