// What is scrubbed before a run leaves the machine: values whose names look secret, and what the user's exclude
// patterns name. Each scrub is recorded so the preview can show it.

export const REDACTED = '[redacted]';

const SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

const SECRET_WORDS = new Set(['secret', 'secrets', 'password', 'passwd', 'credential', 'credentials', 'token', 'apikey', 'auth']);
const SECRET_PAIRS = new Set(['api key', 'access key', 'private key', 'secret key']);

/**
 * Params and summary keys are config names, where `max_tokens` or `key_dim` are common and harmless: only whole
 * words that name a secret (`hf_token`, `db.password`, `wandbApiKey`, `api_key`) are redacted there.
 */
export function looksSecretParam(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  return words.some((w, i) => SECRET_WORDS.has(w) || (i > 0 && SECRET_PAIRS.has(`${words[i - 1]} ${w}`)));
}

/** A `*`/`?` glob (`**` too, across `/`) as a whole-string regex. */
export function globRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i++;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

export class Scrubber {
  private readonly patterns: RegExp[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.filter((p) => p.trim() !== '').map((p) => globRegex(p.trim()));
  }

  excluded(name: string): boolean {
    return this.patterns.some((p) => p.test(name));
  }

  /**
   * A copy of `env` where every key that looks secret, or matches an exclude pattern, has its value replaced
   * (at any depth). `scrubbed` receives the dotted path of each.
   */
  env(value: unknown, scrubbed: string[], path = 'env'): unknown {
    if (Array.isArray(value)) return value.map((v, i) => this.env(v, scrubbed, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return typeof value === 'string' ? stripUrlCredentials(value) : value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const p = `${path}.${k}`;
      if (looksSecret(k) || this.excluded(k)) {
        Object.defineProperty(out, k, { value: REDACTED, enumerable: true, writable: true, configurable: true });
        scrubbed.push(p);
      } else {
        Object.defineProperty(out, k, { value: this.env(v, scrubbed, p), enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  }

  /** Flat values (params, overrides, summary) with the secret-looking or excluded keys' values replaced. */
  values<T>(values: Record<string, T>, field: string, scrubbed: string[]): Record<string, T | string> {
    let out: Record<string, T | string> | undefined;
    for (const k of Object.keys(values)) {
      if (!looksSecretParam(k) && !this.excluded(k)) continue;
      out ??= { ...values };
      Object.defineProperty(out, k, { value: REDACTED, enumerable: true, writable: true, configurable: true });
      scrubbed.push(`${field}.${k}`);
    }
    return out ?? values;
  }

  /** `--api-key=x` and `--api-key x` (and `API_KEY=x` as a word) with the value redacted. */
  argv(argv: readonly string[], scrubbed: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      const flag = /^-{1,2}[A-Za-z]/.test(name);
      if (eq > 0 && (looksSecret(name) || this.excluded(name.replace(/^-+/, '')))) {
        out.push(`${name}=${REDACTED}`);
        scrubbed.push(`argv[${i}]`);
      } else if (eq < 0 && flag && (looksSecret(name) || this.excluded(name.replace(/^-+/, ''))) && i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
        out.push(a, REDACTED);
        scrubbed.push(`argv[${i + 1}]`);
        i++;
      } else out.push(stripUrlCredentials(a));
    }
    return out;
  }
}

/** `scheme://user:password@host` → `scheme://host`: a remote URL must not carry a password to the team. */
export function stripUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}
