// Process memory as Linux reports it. VmHWM is the kernel's own peak-RSS counter, so a short allocation spike
// between two samples is still seen; sampling process.memoryUsage() is the fallback where /proc is missing.
import { readFile, writeFile } from 'node:fs/promises';

async function statusField(name: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  const text = await readFile('/proc/self/status', 'utf8').catch(() => undefined);
  const m = text?.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Resets the peak-RSS counter to the current RSS (Linux ≥ 4.0); false when this kernel does not allow it. */
export async function resetPeak(): Promise<boolean> {
  return writeFile('/proc/self/clear_refs', '5').then(() => true, () => false);
}

export class PeakMemory {
  private sampled = 0;
  private timer: NodeJS.Timeout | undefined;
  private constructor(readonly baseline: number, private readonly kernelPeak: boolean) {}

  /** Starts measuring from now: the baseline is the RSS at this moment. */
  static async start(sampleMs = 20): Promise<PeakMemory> {
    global.gc?.();
    const kernelPeak = await resetPeak();
    const pm = new PeakMemory(process.memoryUsage().rss, kernelPeak);
    pm.sampled = pm.baseline;
    pm.timer = setInterval(() => {
      pm.sampled = Math.max(pm.sampled, process.memoryUsage().rss);
    }, sampleMs);
    return pm;
  }

  /** Peak RSS since start, in bytes, and how it was measured. */
  async stop(): Promise<{ baseline: number; peak: number; method: string }> {
    clearInterval(this.timer);
    this.sampled = Math.max(this.sampled, process.memoryUsage().rss);
    const hwm = this.kernelPeak ? await statusField('VmHWM') : undefined;
    return hwm !== undefined
      ? { baseline: this.baseline, peak: Math.max(hwm, this.sampled), method: 'VmHWM after clear_refs' }
      : { baseline: this.baseline, peak: this.sampled, method: 'RSS sampled every 20 ms' };
  }
}
