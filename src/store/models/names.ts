// Model names and aliases become folder names and file contents that other tools and people read: they are
// checked before anything touches the disk, with a message that says what to change.

export const MAX_NAME = 100;
export const MAX_ALIAS = 64;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9._-]*$/;
// Windows cannot create these as folders, with or without an extension: a model shared through git must check out.
const DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** A bounded, one-line, quoted rendering of untrusted text for error messages. */
export function quoted(text: string, max = 60): string {
  const one = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return one;
}

/** Why `name` cannot name a model, or undefined when it can. */
export function modelNameProblem(name: string): string | undefined {
  if (name === '') return 'a model name cannot be empty';
  if (name.length > MAX_NAME) return `model name ${quoted(name)} is ${name.length} characters long; the limit is ${MAX_NAME}`;
  if (!NAME.test(name)) {
    const bad = [...name].find((c, i) => !(i === 0 ? /[A-Za-z0-9]/ : /[A-Za-z0-9._-]/).test(c));
    const what = bad === undefined ? 'it' : bad === '/' || bad === '\\' ? `the path character ${quoted(bad)}` : `the character ${quoted(bad)}`;
    return `model name ${quoted(name)} cannot hold ${what}: use letters, digits, ".", "_" and "-", starting with a letter or digit`;
  }
  if (name.endsWith('.')) return `model name ${quoted(name)} cannot end with "."`;
  if (DEVICE.test(name)) return `model name ${quoted(name)} is a reserved device name on Windows`;
  return undefined;
}

/** Why `alias` cannot be an alias, or undefined when it can. */
export function aliasProblem(alias: string): string | undefined {
  if (alias === '') return 'an alias cannot be empty';
  if (alias.length > MAX_ALIAS) return `alias ${quoted(alias)} is ${alias.length} characters long; the limit is ${MAX_ALIAS}`;
  if (!ALIAS.test(alias)) return `alias ${quoted(alias)}: use letters, digits, ".", "_" and "-", starting with a letter`;
  if (alias === 'latest') return 'alias "latest" is reserved: a model name alone means its latest version';
  return undefined;
}

/** What `name`, `name@alias` or `name:3` asks for. */
export type ModelRef = { name: string; alias?: string; version?: number };

/** `invalid`: a bad name or reference; `missing`: no such model, version, alias or file; `refused`: the files disagree. */
export type ModelErrorKind = 'invalid' | 'missing' | 'refused';

export class ModelError extends Error {
  constructor(message: string, readonly kind: ModelErrorKind = 'invalid') {
    super(message);
  }
}

export function parseModelRef(ref: string): ModelRef {
  const at = ref.indexOf('@');
  const colon = ref.indexOf(':');
  let out: ModelRef;
  if (at >= 0) out = { name: ref.slice(0, at), alias: ref.slice(at + 1) };
  else if (colon >= 0) {
    const text = ref.slice(colon + 1);
    if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new ModelError(`model reference ${quoted(ref)}: the version after ":" must be a whole number from 1`);
    out = { name: ref.slice(0, colon), version: Number(text) };
  } else out = { name: ref };
  const problem = modelNameProblem(out.name) ?? (out.alias === undefined ? undefined : aliasProblem(out.alias));
  if (problem !== undefined) throw new ModelError(problem);
  return out;
}
