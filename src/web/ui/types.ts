/** Shapes the daemon answers with. Type-only imports: nothing of the server ends up in the bundle. */
import type { UsageReport, UsageGroup, UsageTotals } from '../../ledger/query.js';
import type { SessionSummary } from '../../daemon/session.js';
import type { profileSummary } from '../../profiles/summary.js';
import type { SeriesBy, UsageSeries } from '../server/series.js';
import type { DashboardProfile, HooksOverview } from '../server/routes.js';

export type { UsageReport, UsageGroup, UsageTotals, SessionSummary, SeriesBy, UsageSeries, DashboardProfile, HooksOverview };
export type ProfileSummary = ReturnType<typeof profileSummary>;

export interface ProviderInfo { id: string; kind: string; label: string; endpoints: Record<string, string> }
export interface AgentInfo { id: string; label: string; installed: boolean; wires: string[] }
