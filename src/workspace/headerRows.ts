import type * as vscode from 'vscode';
import type { StoreChange } from '../core/services';
import type { HeaderScanReport } from '../store';

/** How often the header scan tells the view that more rows are in (the first time as soon as a batch is). */
const TELL_MS = 400;
/**
 * Rows read before the first tell: a few, so the view is not empty while a whole round of the scan's reads (32)
 * queues for the thread pool's four threads; the next tell, TELL_MS later, fills the screen.
 */
const FIRST_BATCH = 8;
/** The first pass waits at most this long for the first rows: a slow disk must not hold the index back. */
const FIRST_ROWS_WAIT_MS = 300;

/**
 * The first rows (issue 18): the runs the index does not hold yet, listed from the head and tail of their logs. The
 * scan needs only the run folders, so it starts as the index starts opening, and lists every run until the index
 * is open (a warm start's rows then come before sql.js and the persisted index are ready), only new ones after.
 * `told` settles once the first rows were told, or the scan ended without any; `first` settles then too, or soon
 * if they are slow: the first pass starts then, so its work does not delay them.
 */
export function listFromHeaders(
  scan: (onProgress: (done: number, total: number) => void) => Promise<HeaderScanReport>,
  tell: (change: StoreChange) => void,
  indexing: () => StoreChange['indexing'],
  output: vscode.LogOutputChannel,
  activatedAt: number,
): { first: Promise<void>; told: Promise<void> } {
  let toldAt = 0;
  let firstTold!: () => void;
  const told = new Promise<void>((resolve) => (firstTold = resolve));
  const say = (done: number, total: number): void => {
    tell({ changedRuns: [], removedRuns: [], indexing: indexing() ?? { done: 0, total } });
    if (toldAt === 0) output.info(`First rows: ${done} of ${total} runs listed from their headers, ${Date.now() - activatedAt} ms after activation.`);
    toldAt = Date.now();
    firstTold();
  };
  const scanned = scan((done, total) => {
    if (done === total || (toldAt === 0 ? done >= FIRST_BATCH : Date.now() - toldAt >= TELL_MS)) say(done, total);
  })
    .then(
      (report) => {
        if (report.listed > 0) output.info(`Listed ${report.listed} runs from their headers in ${report.ms} ms; their metrics come with the first pass.`);
      },
      (err: unknown) => output.warn(`Could not list runs from their headers: ${err instanceof Error ? err.message : String(err)}`),
    )
    .finally(firstTold);
  let timer: NodeJS.Timeout | undefined;
  const soon = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_ROWS_WAIT_MS)));
  return { first: Promise.race([told, scanned, soon]).finally(() => clearTimeout(timer)), told };
}
