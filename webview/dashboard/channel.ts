// The dashboard's end of its protocol (src/protocol/dashboard.ts).
import type { DashboardInbound, DashboardOutbound, DashboardState } from '../../src/protocol/dashboard';
import { panelChannel } from '../shared/api';

export const { post, saveState, onHostMessage } = panelChannel<DashboardState, DashboardInbound, DashboardOutbound>();
