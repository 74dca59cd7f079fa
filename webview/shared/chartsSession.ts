// Glue between the chart grid, the toolbar and the host: zoom requests with ids (a late answer to an old zoom
// is dropped), the first-paint timing the benchmark reads, option changes, and the plot width the host budgets
// points by (a window grown well past it asks for denser data).
import { epochNow, unhandled, type ChartInbound, type ChartOptions, type ChartOutbound, type SentTiming } from '../../src/protocol/common';
import { chartControls, type ControlsHandle } from './controls';
import { MetricCharts } from './metricCharts';
import type { NoticeArea } from './status';

export class ChartsSession {
  readonly charts: MetricCharts;
  readonly controls: ControlsHandle;
  private requestId = 0;
  private receivedAt = 0;
  private hostMs = 0;
  private transitMs = 0;
  /** The plot width the host last budgeted points for. */
  private reportedWidth = 0;
  private resizeTimer: number | undefined;

  constructor(
    chartRoot: HTMLElement,
    initial: ChartOptions,
    private readonly onOptions: (options: ChartOptions) => void,
    /** The app's channel: every panel's protocol has the chart messages. */
    private readonly post: (message: ChartInbound) => void,
  ) {
    this.charts = new MetricCharts(chartRoot, {
      zoom: (range) => {
        this.controls.showRange(range);
        this.requestRange(range);
      },
      exportPng: (name, dataUrl) => this.post({ type: 'exportPng', name, dataUrl }),
      painted: (points, charts) => {
        const ms = performance.now() - this.receivedAt;
        document.body.dataset.paintMs = ms.toFixed(1);
        document.body.dataset.hostMs = this.hostMs.toFixed(1);
        document.body.dataset.transitMs = this.transitMs.toFixed(1);
        // On the machine's clock: a benchmark measures to here, not to when it next gets to look (work after the
        // paint keeps this page busy, and so late to answer, for a while).
        document.body.dataset.paintedAt = epochNow().toFixed(1);
        document.body.dataset.painted = String(Number(document.body.dataset.painted ?? 0) + 1);
        this.post({ type: 'painted', ms, points, charts, transitMs: this.transitMs });
      },
    });
    this.options = initial;
    this.controls = chartControls(
      initial,
      (o) => {
        this.options = o;
        this.charts.setOptions(o);
        this.onOptions(o);
      },
      (range) => this.charts.zoom(range),
    );
    window.addEventListener('resize', () => {
      window.clearTimeout(this.resizeTimer);
      this.resizeTimer = window.setTimeout(() => this.refineForWidth(), 300);
    });
  }

  private requestRange(range: [number, number] | null): void {
    this.reportedWidth = this.charts.plotWidth();
    this.post({ type: 'zoom', requestId: ++this.requestId, x: this.options.x, range, plotWidth: this.reportedWidth });
  }

  /** Narrower charts keep their points (already enough); a chart grown well past its budget gets more. */
  private refineForWidth(): void {
    if (this.receivedAt === 0 || this.charts.plotWidth() <= this.reportedWidth * 1.25) return;
    this.requestRange(this.charts.zoomRange);
  }

  options: ChartOptions;

  /** Tells the host the view is listening, and how wide a chart is, so it sends only the points that show. */
  ready(): void {
    // ms from the page's start to the handshake: how long loading the webview itself took (for the benchmark).
    document.body.dataset.readyMs = performance.now().toFixed(1);
    // When VS Code began loading this page, on the machine's clock: a benchmark tells creating the webview apart from loading it.
    document.body.dataset.pageStart = performance.timeOrigin.toFixed(1);
    this.reportedWidth = this.charts.plotWidth();
    this.post({ type: 'ready', plotWidth: this.reportedWidth });
  }

  /** The panel shows other runs now (a preview panel reused): an answer to a zoom asked for the old ones is dropped. */
  newRuns(): void {
    if (this.requestId > 0) this.requestId++;
  }

  /** Call when a full state arrives, before building charts. */
  stateReceived(timing: SentTiming, options: ChartOptions): void {
    this.receivedAt = performance.now();
    this.transitMs = epochNow() - timing.sentAt;
    this.hostMs = timing.hostMs;
    this.options = options;
    this.controls.set(options);
    this.controls.showRange(null);
  }

  /**
   * The chart messages every panel answers alike. An app handles its own messages first (and its runs on
   * `series/append`), then hands the rest here: a kind neither handles stops the build.
   */
  received(message: ChartOutbound, notices: NoticeArea, app: HTMLElement): void {
    switch (message.type) {
      case 'series/append':
        this.charts.append(message.series);
        return;
      case 'series/range':
        // A late answer to an older zoom is dropped.
        if (message.requestId === this.requestId) this.charts.replaceRange(message.range, message.series);
        return;
      case 'notice':
        notices.show(message.level, message.message);
        app.setAttribute('aria-busy', 'false');
        return;
      default:
        unhandled(message);
    }
  }
}
