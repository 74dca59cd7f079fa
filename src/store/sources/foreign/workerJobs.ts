// Other tools' formats on parse workers: the job kinds a worker runs besides Trackside logs (parseWorker.ts hands
// every `foreign` message here). Each kind reads files named by the indexer's thread, which listed them and still
// owns the run: a job only parses and seals, and sends parts back as the pool's Trackside jobs do.
import { metricsJobBytes, runMetricsJob, type JobIo, type MetricsJob, type MetricsPart } from '../mlflow/metricsJob';

export type ForeignJob = MetricsJob;
export type ForeignPart = MetricsPart;
export type { JobIo };

export function runForeignJob(job: ForeignJob, io: JobIo): Promise<void> {
  switch (job.kind) {
    case 'mlflowMetrics':
      return runMetricsJob(job, io);
  }
}

/** Bytes a job reads (its new point file is made as the job arrives when they are enough to seal something). */
export function foreignJobBytes(job: ForeignJob): number {
  switch (job.kind) {
    case 'mlflowMetrics':
      return metricsJobBytes(job);
  }
}
