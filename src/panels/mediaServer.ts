// The host's end of the media requests (src/protocol/media.ts), shared by the dashboard and the compare view: it
// asks the store, turns files that are there into webview URIs (the panel's resource roots name the run folders)
// and opens a media file in the editor. Panels answer what this returns; it never posts by itself.
import * as vscode from 'vscode';
import { openArtifact } from '../core/openArtifact';
import type { CellView, HistogramView, MediaFileView, MediaFirstView, MediaItemView, MediaKeyView, MediaOutbound, MediaRequest, TablePageView } from '../protocol/media';
import type { MediaFile, RunDetail, RunStore, TablePage } from '../store/types';

/** Rows of a table sent with its step's answer; more come by `media/table`. */
const FIRST_PAGE = 100;
/** Keys whose latest items go with a panel's full state: the first sections a user sees, a bounded answer. */
const FIRST_KEYS = 6;
/** Characters of a text sent at most (a text's whole file is one "open in editor" away). */
const TEXT_CHARS = 200_000;

export class MediaServer {
  constructor(private readonly webview: vscode.Webview) {}

  /** The media keys of these runs with their steps, for the webview's sliders. */
  keys(store: RunStore, runIds: readonly string[]): MediaKeyView[] {
    const out: MediaKeyView[] = [];
    for (const runId of runIds) {
      for (const k of store.mediaKeys(runId)) out.push({ runId, key: k.key, kind: k.kind, count: k.count, steps: store.mediaSteps(runId, k.key) });
    }
    return out;
  }

  /**
   * The latest items of the first keys in the webview's order (sorted; histograms are drawn from their own
   * request), sent with the full state: a request and its answer less before the first image is on screen.
   */
  async first(store: RunStore, runs: readonly RunDetail[], keys: readonly MediaKeyView[]): Promise<MediaFirstView[]> {
    const names = [...new Set(keys.filter((k) => k.kind !== 'histogram').map((k) => k.key))].sort().slice(0, FIRST_KEYS);
    return Promise.all(
      names.map(async (key) => {
        const ids = keys.filter((k) => k.key === key).map((k) => k.runId);
        const items = await Promise.all(runs.filter((r) => ids.includes(r.id)).map((r) => this.item(store, r.id, key, 'latest')));
        return { key, items };
      }),
    );
  }

  /** What tells a change of keys or steps apart from none, cheaply (keys and counts, not every step). */
  static signature(store: RunStore, runIds: readonly string[]): string {
    return runIds.map((id) => store.mediaKeys(id).map((k) => `${id}\u0000${k.key}\u0000${k.count}\u0000${k.lastStep}`).join('\u0001')).join('\u0002');
  }

  private file(f: MediaFile): MediaFileView {
    return f.state === 'ok' ? { path: f.path, state: 'ok', src: this.webview.asWebviewUri(vscode.Uri.file(f.abs)).toString() } : { path: f.path, state: 'missing', why: f.why };
  }

  private page(p: TablePage): TablePageView {
    const rows: CellView[][] = p.rows.map((r) => r.map((c) => (c !== null && typeof c === 'object' ? { image: this.file(c.image) } : c)));
    const view: TablePageView = { file: this.file(p.file), columns: p.columns, rows, offset: p.offset, total: p.total, truncated: p.truncated };
    if (p.problem !== undefined) view.problem = p.problem;
    return view;
  }

  /** Answers a request about `runs` (the panel's: a request naming another run gets nothing for it). */
  async answer(store: RunStore, runs: readonly RunDetail[], req: MediaRequest): Promise<MediaOutbound | undefined> {
    const started = performance.now();
    const mine = new Map(runs.map((r) => [r.id, r]));
    switch (req.type) {
      case 'media/get': {
        const items = await Promise.all(req.runIds.filter((id) => mine.has(id)).map((id) => this.item(store, id, req.key, req.step)));
        return { type: 'media/items', requestId: req.requestId, key: req.key, step: req.step, items, hostMs: performance.now() - started };
      }
      case 'media/histograms': {
        const series: HistogramView[] = [];
        for (const id of req.runIds) {
          const h = mine.has(id) ? store.histogramSeries(id, req.key, req.budget) : undefined;
          if (h !== undefined) series.push({ ...h, runId: id });
        }
        return { type: 'media/histograms', requestId: req.requestId, key: req.key, histograms: series };
      }
      case 'media/table': {
        if (!mine.has(req.runId)) return undefined;
        const p = await store.mediaTable({ runId: req.runId, key: req.key, step: req.step, offset: req.offset, limit: req.limit, ...(req.sort ? { sort: req.sort } : {}) });
        return { type: 'media/tablePage', requestId: req.requestId, runId: req.runId, key: req.key, page: p === undefined ? undefined : this.page(p), ...(req.sort ? { sort: req.sort } : {}) };
      }
      case 'media/open': {
        const run = mine.get(req.runId);
        if (run !== undefined) await openArtifact(run.dir, req.path);
        return undefined;
      }
    }
  }

  private async item(store: RunStore, runId: string, key: string, step: number | 'latest'): Promise<MediaItemView> {
    const at = await store.mediaAt(runId, key, step);
    const item: MediaItemView = { runId, key };
    if (at === undefined) return item;
    item.kind = at.kind;
    item.step = at.step;
    if (at.warning !== undefined) item.warning = at.warning;
    if (at.images !== undefined) item.images = at.images.map(({ file, ...rest }) => ({ file: this.file(file), ...rest }));
    if (at.kind === 'table') {
      const p = await store.mediaTable({ runId, key, step: at.step, offset: 0, limit: FIRST_PAGE });
      if (p !== undefined) item.table = this.page(p);
    }
    if (at.kind === 'text') {
      const t = await store.mediaText(runId, key, at.step, TEXT_CHARS);
      if (t !== undefined) item.text = { file: this.file(t.file), text: t.text, cut: t.cut };
    }
    return item;
  }
}
