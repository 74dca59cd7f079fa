// The sweep panel's messages: the host posts where a sweep stands (its progress, best-so-far curve, trials and
// param importance) whenever it moves; the webview asks to open a trial's run or to stop, pause or resume the sweep.
// Not a chart panel: it draws trials, not series, so it shares only `ready`, `state` and `notice` with the others.
import type { StateMessage } from './common';
import type { Param } from '../shared/params';

/** What the panel needs to be rebuilt after a reload. */
export interface SweepPanelState {
  kind: 'sweep';
  /** The run root holding `sweeps/<id>/`. */
  root: string;
  id: string;
}

export type SweepPhaseView = 'running' | 'paused' | 'interrupted' | 'finished' | 'stopped' | 'failed';

/** A trial as the panel shows it; strings come from the sweep's files and are rendered as text. */
export interface TrialView {
  n: number;
  run: string;
  /** The trial's outcome, or `running`. */
  outcome: string;
  value?: number;
  params: Record<string, Param>;
  reason?: string;
}

export interface SweepData {
  type: 'sweep/state';
  state: SweepPanelState;
  sweep: {
    id: string;
    name?: string;
    file: string;
    method: string;
    metric?: { name: string; goal: string };
    phase: SweepPhaseView;
    reason?: string;
    total?: number;
    done: number;
    running: number;
    finished: number;
    pruned: number;
    failed: number;
    skipped: number;
    best?: { n: number; run: string; value: number };
  };
  /** Per ended trial: its value and the best so far. */
  curve: Array<{ n: number; value?: number; best?: number }>;
  trials: TrialView[];
  /** Param names in display order. */
  paramKeys: string[];
  importance: Array<{ param: string; score: number }>;
  /** How importance was computed, shown beside it. */
  importanceMethod: string;
}

export type SweepRequest = { type: 'openRun'; runId: string } | { type: 'control'; action: 'stop' | 'pause' | 'resume' };

export type SweepInbound = { type: 'ready' } | StateMessage<SweepPanelState> | SweepRequest;
export type SweepOutbound = SweepData | { type: 'notice'; level: 'info' | 'error'; message: string };
