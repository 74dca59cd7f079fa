// "Trackside: Rerun Configuration…": pick a run, review exactly what will run (and any code drift), edit params,
// check whether the result is already known, then run it in a terminal.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import type { RunDetail, RunStore, RunSummary } from '../store/types';
import { addWorktree, fetchCommit, hasCommit, removeWorktree, repoRoot } from './git';
import { codeOfRun, exists, gitInfo, scriptKey, type CodeFacts } from './codeState';
import { codeFactsBeforeConsent } from './codeScope';
import { consentQuestion } from './model/gitScope';
import { editParams } from './editParams';
import { FollowUp } from './followUp';
import { pythonExtensionInterpreter } from '../core/pythonInterpreter';
import { Launcher } from './launcher';
import { alreadyRan, sameConfiguration, type Candidate, type CodeIdentity } from './model/match';
import { effectiveParams, exactParams, type ExactParam, type OverrideValue } from './model/overrides';
import { buildPlan, chooseInterpreter, inheritedOverrides, type InterpreterChoice, type RerunPlan } from './model/plan';
import { shellKindOf } from '../shared/shellQuote';
import { Commands } from '../core/commands';
import { plainText } from '../core/text';
import { RecordedContent } from './recordedContent';
import { pickRun } from './pickRun';

/** What the review step works from: decided once per rerun, before the user edits anything. */
interface Session {
  run: RunDetail;
  /** The run's params with exact digits as `{"$int": …}`: what the review shows, compares and sends back. */
  params: Record<string, ExactParam>;
  cwd: string;
  interpreter: InterpreterChoice;
  facts: CodeFacts;
  warnings: string[];
}

/** The rerun flow; it owns what outlives one rerun (terminals, follow-ups, code identities worked out before). */
export class RerunFlow extends Disposable {
  private readonly launcher: Launcher;
  private readonly followUp: FollowUp;
  private readonly recorded = this.register(new RecordedContent());
  /** Code identities of finished runs (their code never changes), by run id. */
  private readonly codeCache = new Map<string, CodeIdentity | undefined>();

  constructor(private readonly ctx: FeatureContext) {
    super();
    this.launcher = this.register(new Launcher(ctx.output));
    this.followUp = this.register(new FollowUp(ctx.store, Commands.compareWithParent, ctx.output));
  }

  /** Reruns the clicked run, or one the user picks. */
  async rerun(arg: unknown, selection: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      const manage = 'Manage Workspace Trust';
      const choice = await vscode.window.showWarningMessage(
        'Trackside: Rerun is disabled in Restricted Mode. A rerun runs the command recorded in a run\'s log, and in an untrusted workspace that log may have been written by anyone. Trust this workspace to rerun runs.',
        manage,
      );
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    const store = await this.ctx.store.ready();
    const id =
      runIdsFrom(arg, selection)[0] ??
      (await pickRun(store.listRuns(), 'Trackside: Rerun Configuration', 'Pick a run to run again (search by name, params or metrics)'));
    if (!id) return;
    const run = store.getRun(id);
    if (!run) throw new Error(`The run ${id} is not in the index (was its folder deleted?).`);
    const session = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Preparing the rerun of '${plainText(run.name, 60)}'…` },
      () => this.prepare(run),
    );
    if (session) await this.review(store, session);
  }

  /** The review's starting point, or undefined when the user cancelled at the question about git. */
  private async prepare(run: RunDetail): Promise<Session | undefined> {
    const warnings: string[] = [];
    const folders = vscode.workspace.workspaceFolders ?? [];
    let cwd = run.cwd;
    if (!cwd || !(await exists(cwd, 'dir'))) {
      const folder = folders.find((f) => run.root.startsWith(f.uri.fsPath)) ?? folders[0];
      const fallback = folder?.uri.fsPath ?? dirname(run.root);
      warnings.push(run.cwd ? `The recorded working directory ${run.cwd} no longer exists; using ${fallback}.` : `The run did not record its working directory; using ${fallback}.`);
      cwd = fallback;
    } else if (!folders.some((f) => cwd === f.uri.fsPath || cwd?.startsWith(`${f.uri.fsPath}/`) || cwd?.startsWith(`${f.uri.fsPath}\\`))) {
      warnings.push(`The working directory ${cwd} is outside this workspace.`);
    }
    if (run.source === 'team' && folders.some((f) => cwd === f.uri.fsPath || cwd?.startsWith(`${f.uri.fsPath}/`) || cwd?.startsWith(`${f.uri.fsPath}\\`))) {
      const warning = await this.teammatesCommit(run, cwd);
      if (warning !== undefined) warnings.push(warning);
    }
    const recorded = run.executable ?? run.env.python?.executable;
    const recordedExists = !!recorded && (await exists(recorded, 'file'));
    const fromExtension = recordedExists ? undefined : await pythonExtensionInterpreter(vscode.Uri.file(cwd), this.ctx.output);
    const interpreter = chooseInterpreter({ recorded, recordedExists, pythonExtension: fromExtension, windows: process.platform === 'win32' });
    const facts = await codeFactsBeforeConsent(run, cwd, folders.map((f) => f.uri.fsPath), askOutside);
    if (!facts) return undefined;
    return { run, params: exactParams(run.params, run.exactInts?.params), cwd, interpreter, facts, warnings };
  }

  /**
   * A teammate's run recorded a commit of theirs: fetched from the remote the run came through when it is not
   * here, so the rerun can rebuild their code. Says why not when it cannot (never pushed, or the remote is out of
   * reach); only in a folder of this workspace (git reads the repository's configuration).
   */
  private async teammatesCommit(run: RunDetail, cwd: string): Promise<string | undefined> {
    const commit = gitInfo(run).commit;
    const team = (run.env as { team?: { remote?: unknown } }).team;
    const remote = typeof team?.remote === 'string' ? team.remote : undefined;
    const repo = await repoRoot(cwd);
    if (commit === undefined || repo === undefined || (await hasCommit(repo, commit))) return undefined;
    const who = run.author ?? 'the teammate';
    if (remote === undefined || !(await fetchCommit(repo, remote, commit))) {
      return `${who}'s commit ${commit.slice(0, 10)} is not in this repository and could not be fetched from ${remote ?? 'the remote'} (it was never pushed, or the remote is out of reach): the recorded code cannot be rebuilt; a rerun uses your checkout.`;
    }
    this.ctx.output.info(`Fetched ${who}'s commit ${commit} from ${remote} for the rerun of ${run.id}.`);
    return undefined;
  }

  private plan(s: Session, overrides: Record<string, OverrideValue>, worktree?: { repo: string; dir: string }): RerunPlan {
    const shellPath = vscode.env.shell;
    const shellName = (shellPath.split(/[\\/]/).pop() ?? 'shell').replace(/\.exe$/i, '') || 'shell';
    return buildPlan({
      run: { ...s.run, params: s.params },
      overrides,
      interpreter: s.interpreter,
      cwd: s.cwd,
      shell: shellKindOf(shellPath),
      shellName,
      worktree,
      warnings: s.warnings,
    });
  }

  private async review(store: RunStore, s: Session): Promise<void> {
    const { run, facts } = s;
    const drift = facts.drift;
    let overrides = inheritedOverrides(run.overrides, run.exactInts?.overrides);
    let worktree: { repo: string; dir: string } | undefined;
    const dropWorktree = async () => {
      if (worktree) await removeWorktree(worktree.repo, worktree.dir).catch((e) => this.ctx.output.warn(`Could not remove ${worktree?.dir}: ${String(e)}`));
      worktree = undefined;
    };
    try {
      for (;;) {
        const plan = this.plan(s, overrides, worktree);
        const RUN = 'Run';
        const EDIT = 'Edit Params…';
        const DIFF = 'Show Differences';
        const AT_RECORDED = 'Run at Recorded Commit';
        const IN_CHECKOUT = 'Use Current Checkout';
        const buttons: string[] = [];
        if (plan.commandText !== undefined && !plan.blocked) buttons.push(RUN);
        buttons.push(EDIT);
        if (drift.kind === 'drift' && facts.repo && facts.recordedTree) buttons.push(DIFF);
        if (worktree) buttons.push(IN_CHECKOUT);
        else if (drift.kind !== 'none' && drift.canRunAtRecorded && facts.repo) buttons.push(AT_RECORDED);
        const codeLine = worktree ? 'Code: the recorded state, rebuilt in a temporary worktree.' : `Code: ${drift.message}`;
        const title = `Rerun '${plainText(run.name, 80)}'?${drift.kind === 'drift' && !worktree ? ' The code has changed since this run.' : ''}`;
        const choice = await vscode.window.showWarningMessage(title, { modal: true, detail: `${plan.review}\n\n${codeLine}` }, ...buttons);
        if (choice === undefined) return;
        if (choice === EDIT) {
          overrides = (await editParams(s.params, overrides)) ?? overrides;
        } else if (choice === DIFF && facts.repo && facts.recordedTree) {
          await this.recorded.showDifferences(facts.repo, facts.recordedTree, drift.changedFiles, run.name);
          const BACK = 'Review Rerun…';
          // A modal would cover the diff: wait for the user to come back from it.
          const again = await vscode.window.showInformationMessage(`Showing how the code differs from what '${plainText(run.name, 60)}' ran.`, BACK);
          if (again !== BACK) return;
        } else if (choice === AT_RECORDED && facts.repo) {
          const commit = facts.recorded?.commit;
          if (!commit) throw new Error('The recorded commit cannot be rebuilt.');
          const repo = facts.repo;
          const dir = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Creating a temporary worktree at ${commit.slice(0, 10)}…` },
            () => addWorktree(repo, commit, facts.recordedDiff, run.id),
          );
          worktree = { repo, dir };
          this.ctx.output.info(`Created the temporary worktree ${worktree.dir} at ${commit}.`);
        } else if (choice === IN_CHECKOUT) {
          await dropWorktree();
        } else if (choice === RUN) {
          if (plan.needsExtraConfirmation && !(await this.confirmUnusual(plan))) continue;
          if (!(await this.confirmNotAlreadyRan(store, s, overrides, plan, worktree !== undefined))) continue;
          this.start(store, s, plan, worktree);
          worktree = undefined; // owned by the terminal now
          return;
        }
      }
    } finally {
      await dropWorktree();
    }
  }

  /** A second, explicit yes for commands that are not a Python script run; false goes back to the review. */
  private async confirmUnusual(plan: RerunPlan): Promise<boolean> {
    const AGAIN = 'Run It Anyway';
    const detail = [
      `Trackside asks again because ${plan.extraConfirmationReasons.join(', and ')}.`,
      'The command was recorded in a log file, which anyone who can write to the run folder could have written.',
      `It will run:\n${plan.commandText ?? ''}`,
    ].join('\n\n');
    return (await vscode.window.showWarningMessage('This rerun is not a Python script run. Run it anyway?', { modal: true, detail }, AGAIN)) === AGAIN;
  }

  /** True to go ahead; false to go back to the review. Never true without asking when the result is known. */
  private async confirmNotAlreadyRan(
    store: RunStore,
    s: Session,
    overrides: Record<string, OverrideValue>,
    plan: RerunPlan,
    atRecorded: boolean,
  ): Promise<boolean> {
    const code = atRecorded ? s.facts.recorded : s.facts.current;
    const repo = s.facts.repo;
    if (!code || !repo) return true;
    const query = { project: s.run.project, script: scriptKey(s.run, repo), params: effectiveParams(s.params, overrides), code };
    const summaries = store.listRuns().filter((r) => sameConfiguration(query, r)).slice(0, 50);
    const candidates: Candidate[] = [];
    for (const summary of summaries) {
      const detail = store.getRun(summary.id);
      if (!detail) continue;
      if (!this.codeCache.has(detail.id)) this.codeCache.set(detail.id, await codeOfRun(detail, repo));
      candidates.push({ run: summary, script: scriptKey(detail, repo), code: this.codeCache.get(detail.id) });
    }
    const hits = alreadyRan(query, candidates);
    const hit = hits[0]?.run as RunSummary | undefined;
    if (!hit) return true;
    const full = store.listRuns().find((r) => r.id === hit.id) ?? hit;
    const metrics = Object.entries(full.metrics)
      .filter(([k]) => !k.startsWith('system/'))
      .slice(0, 8)
      .map(([k, m]) => `  ${k} = ${m.last}`);
    const isSource = hit.id === s.run.id && plan.changed.length === 0;
    const AGAIN = isSource ? 'Rerun to Check Reproducibility' : 'Run Anyway';
    const OPEN = 'Open That Run';
    const detail = [
      `'${full.name}' (${full.id}) finished ${new Date(full.endTime ?? full.startTime).toLocaleString()} with the same configuration at the same code.`,
      metrics.length > 0 ? `Its result:\n${metrics.join('\n')}` : 'It logged no metrics.',
      hits.length > 1 ? `${hits.length} finished runs match.` : '',
      isSource ? 'Running it again checks whether the result reproduces.' : 'Running it again spends the compute on a known result.',
    ].filter(Boolean).join('\n\n');
    const choice = await vscode.window.showWarningMessage('This configuration already ran.', { modal: true, detail }, AGAIN, OPEN);
    if (choice === OPEN) {
      await vscode.commands.executeCommand(Commands.openRun, full.id);
      return false;
    }
    return choice === AGAIN;
  }

  private start(store: RunStore, s: Session, plan: RerunPlan, worktree: { repo: string; dir: string } | undefined): void {
    const known = new Set(store.listRuns().filter((r) => r.parent === s.run.id).map((r) => r.id));
    const startedAt = Date.now();
    const launch = this.launcher.launch(plan, s.run.name, worktree);
    this.followUp.watch({ parentId: s.run.id, parentName: s.run.name, known, startedAt, changed: plan.changed, ended: launch.ended });
    if (worktree) {
      void vscode.window.showInformationMessage(`Rerunning in the temporary worktree ${worktree.dir}; it is removed when the terminal closes.`);
    }
  }
}

/** Asks before git runs in a folder outside the workspace (see model/gitScope.ts). */
async function askOutside(folder: string): Promise<'check' | 'skip' | undefined> {
  const CHECK = 'Check with Git';
  const SKIP = 'Review Without Checking';
  const { title, detail } = consentQuestion(folder);
  const choice = await vscode.window.showWarningMessage(title, { modal: true, detail }, CHECK, SKIP);
  return choice === CHECK ? 'check' : choice === SKIP ? 'skip' : undefined;
}
