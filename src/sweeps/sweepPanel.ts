// The sweep panel: best-so-far by trial, the trials' parallel coordinates coloured by the metric, param importance
// and the trial table, following the sweep live (each change the board reads is posted whole: a sweep has
// hundreds of trials at most, far less than a chart's points).
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { panelHtml } from '../panels/html';
import { PanelHost } from '../panels/panelHost';
import { unhandled } from '../protocol/common';
import type { SweepData, SweepInbound, SweepOutbound, SweepPanelState, TrialView } from '../protocol/sweep';
import { parseSweepMessage } from '../protocol/sweepGuards';
import { compareParamKeys } from '../shared/params';
import { IMPORTANCE_METHOD, paramImportance } from '../sweep/importance';
import { asParam } from '../sweep/progress';
import type { KnownSweep, SweepBoard } from './sweepBoard';

export const SWEEP_VIEW = 'trackside.sweep';

export class SweepPanel extends PanelHost<SweepInbound, SweepOutbound> {
  constructor(
    panel: vscode.WebviewPanel,
    ctx: FeatureContext,
    private state: SweepPanelState,
    private readonly board: SweepBoard,
    /** Stop, pause or resume: the same commands as on the sweep node. */
    private readonly control: (action: 'stop' | 'pause' | 'resume', id: string) => Promise<void>,
  ) {
    super(panel, ctx, parseSweepMessage);
    this.register(board.onDidChange((ids) => {
      if (ids.includes(this.state.id)) void this.send();
    }));
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, 'sweep', panel.title);
  }

  get key(): string {
    return this.state.id;
  }

  protected async handle(message: SweepInbound): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.send(true);
      case 'state':
        return;
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRun, message.runId);
        return;
      case 'control':
        await this.control(message.action, this.state.id);
        this.board.soon();
        return;
      default:
        unhandled(message);
    }
  }

  private async send(reread = false): Promise<void> {
    const s = reread ? await this.board.load(this.state.root, this.state.id) : this.board.get(this.state.id);
    if (!s) {
      await this.post({ type: 'notice', level: 'error', message: `No sweep ${this.state.id} under ${this.state.root} (was its folder deleted?).` });
      return;
    }
    this.panel.title = `Sweep: ${s.record.name ?? s.record.id}`;
    await this.post(sweepData(this.state, s));
  }
}

export function sweepData(state: SweepPanelState, s: KnownSweep): SweepData {
  const r = s.record;
  const p = s.progress;
  const trials: TrialView[] = s.trials.map((t) => {
    const view: TrialView = { n: t.n, run: t.run, outcome: t.outcome ?? 'running', params: {} };
    for (const [k, v] of Object.entries(t.params)) view.params[k] = asParam(v);
    if (t.value !== undefined && Number.isFinite(t.value)) view.value = t.value;
    if (t.reason) view.reason = t.reason.slice(0, 300);
    return view;
  });
  const paramKeys = [...new Set(s.trials.flatMap((t) => Object.keys(t.params)))].sort(compareParamKeys);
  // Importance from trials that ran to the end (a pruned trial's value is from an early step).
  const scored = s.trials.filter((t) => (t.outcome === 'finished' || t.outcome === 'skipped') && t.value !== undefined).map((t) => ({ params: t.params, value: t.value! }));
  return {
    type: 'sweep/state',
    state,
    sweep: {
      id: r.id, name: r.name, file: r.file, method: r.method, metric: r.metric, phase: s.phase, reason: r.reason, total: p.total,
      done: p.done, running: p.running, finished: p.finished, pruned: p.pruned, failed: p.failed, skipped: p.skipped,
      best: p.best ? { n: p.best.n, run: p.best.run, value: p.best.value } : undefined,
    },
    curve: p.curve,
    trials,
    paramKeys,
    importance: paramImportance(scored),
    importanceMethod: IMPORTANCE_METHOD,
  };
}
