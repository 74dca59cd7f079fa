// The sweep panel's end of its protocol (src/protocol/sweep.ts).
import type { SweepInbound, SweepOutbound, SweepPanelState } from '../../src/protocol/sweep';
import { panelChannel } from '../shared/api';

export const { post, saveState, onHostMessage } = panelChannel<SweepPanelState, SweepInbound, SweepOutbound>();
