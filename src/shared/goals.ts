// Whether a metric is better low or high, guessed from its name the way people name them. Losses, errors and
// times go down; accuracies, scores and rewards go up. Unknown names count as losses (the common case).

const HIGHER = /(acc|accuracy|f1|precision|recall|auc|roc|score|bleu|rouge|meteor|map|iou|dice|r2|reward|return|throughput|samples_per_sec|tokens_per_sec|hit|ndcg|mrr|top\d*)/i;
const LOWER = /(loss|err|error|perplexity|ppl|mse|mae|rmse|nll|wer|cer|fid|latency|time|regret|distance|dist)/i;

export type Goal = 'min' | 'max';

export function goalOf(key: string): Goal {
  const leaf = key.split('/').pop() ?? key;
  if (LOWER.test(leaf)) return 'min';
  if (HIGHER.test(leaf)) return 'max';
  return 'min';
}

/** True when a is strictly better than b for this goal; non-finite values are never better. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return goal === 'min' ? a < b : a > b;
}
