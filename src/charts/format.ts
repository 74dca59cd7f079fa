// Kept so that existing importers (webview code included) resolve; the definitions live in src/core/format.ts.
export { formatDelta, formatDuration, formatNumber, formatParam, formatTime } from '../core/format';
