// The trackside.team.* settings, read fresh for each share or fetch.
import * as vscode from 'vscode';
import { DEFAULT_SETTINGS, type TeamSettings } from '../team';

export interface TeamConfig {
  /** Empty: the upstream of the current branch, else origin. */
  remote: string | undefined;
  /** Minutes between automatic fetches; 0 for none. */
  autoFetchMinutes: number;
  share: TeamSettings;
}

export function teamConfig(folder: vscode.WorkspaceFolder | undefined): TeamConfig {
  const c = vscode.workspace.getConfiguration('trackside.team', folder?.uri);
  const remote = c.get<string>('remote', '').trim();
  const minutes = c.get<number>('autoFetchMinutes', 0);
  const limit = c.get<number>('artifactSizeLimit', DEFAULT_SETTINGS.artifactLimit);
  const exclude = c.get<unknown>('exclude', []);
  return {
    remote: remote === '' ? undefined : remote,
    autoFetchMinutes: Number.isFinite(minutes) && minutes > 0 ? Math.max(1, minutes) : 0,
    share: {
      shareDiff: c.get<boolean>('shareDiff', false) === true,
      artifactLimit: Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : DEFAULT_SETTINGS.artifactLimit,
      exclude: Array.isArray(exclude) ? exclude.filter((x): x is string => typeof x === 'string') : [],
    },
  };
}
