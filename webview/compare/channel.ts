// The compare view's end of its protocol (src/protocol/compare.ts).
import type { CompareInbound, CompareOutbound, CompareState } from '../../src/protocol/compare';
import { panelChannel } from '../shared/api';

export const { post, saveState, onHostMessage } = panelChannel<CompareState, CompareInbound, CompareOutbound>();
