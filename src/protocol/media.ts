// Media by step (issue 16), shared by the dashboard and the compare view: the keys a panel's runs logged, and the
// request/response pairs the webview uses to fetch what a key holds at a step, a histogram over steps and a page of
// a sorted table. Served on request, not pushed, so a step slider over 10,000 images costs one small answer a move.
// Every string here (keys, captions, cells, text, paths) is untrusted log text: render it as text only.

export type MediaKind = 'image' | 'histogram' | 'table' | 'text';

/** A media key of one run: its steps (ascending), for the slider. */
export interface MediaKeyView {
  runId: string;
  key: string;
  kind: MediaKind;
  count: number;
  steps: number[];
}

/** A media file as the webview may show it: a webview URI when it is there, else why not. */
export type MediaFileView = { path: string; state: 'ok'; src: string } | { path: string; state: 'missing'; why: 'missing' | 'refused' };

export interface ImageView {
  file: MediaFileView;
  width?: number;
  height?: number;
  caption?: string;
  warning?: string;
}

export type CellView = number | string | boolean | null | { image: MediaFileView };

export interface TablePageView {
  file: MediaFileView;
  columns: string[];
  rows: CellView[][];
  offset: number;
  total: number;
  truncated: boolean;
  problem?: string;
}

export interface TextView {
  file: MediaFileView;
  text: string;
  cut: boolean;
}

/** One run's answer for a key at a step: the nearest logged step at or below it, or none yet (`step` absent). */
export interface MediaItemView {
  runId: string;
  key: string;
  kind?: MediaKind;
  step?: number;
  warning?: string;
  images?: ImageView[];
  table?: TablePageView;
  text?: TextView;
}

/** A key's items at "latest", sent with a panel's full state so the first images on screen wait for no request. */
export interface MediaFirstView {
  key: string;
  items: MediaItemView[];
}

/** A histogram key over steps, rebinned onto common bins (the store's HistogramSeries, for one run). */
export interface HistogramView {
  runId: string;
  key: string;
  steps: number[];
  /** bins + 1 edges. */
  edges: number[];
  /** counts[i][b]: step i's values in bin b. */
  counts: number[][];
  /** Steps logged in all (at most the budget are sent). */
  total: number;
}

export type TableSort = { column: number; descending: boolean };

/** What the webview asks; `requestId` comes back in the answer so a late answer for an old step is dropped. */
export type MediaRequest =
  | { type: 'media/get'; requestId: number; runIds: string[]; key: string; step: number | 'latest' }
  | { type: 'media/histograms'; requestId: number; runIds: string[]; key: string; budget: number }
  | { type: 'media/table'; requestId: number; runId: string; key: string; step: number | 'latest'; sort?: TableSort; offset: number; limit: number }
  | { type: 'media/open'; runId: string; path: string };

export type MediaOutbound =
  | { type: 'media/items'; requestId: number; key: string; step: number | 'latest'; items: MediaItemView[]; hostMs: number }
  | { type: 'media/histograms'; requestId: number; key: string; histograms: HistogramView[] }
  | { type: 'media/tablePage'; requestId: number; runId: string; key: string; page: TablePageView | undefined; sort?: TableSort }
  /** The keys changed (a live run logged more): the webview updates its sliders and follows "latest". */
  | { type: 'media/keys'; keys: MediaKeyView[] };

/** Rows of a table page the webview asks for at most; the table view scrolls by pages. */
export const MAX_TABLE_PAGE = 1000;
/** Steps of a histogram series at most (a heat map row a step is at most this tall in pixels anyway). */
export const MAX_HISTOGRAM_STEPS = 1000;
