// A dashboard module that reads the views with supabase-js, typed with the generated row
// types; `tsc --noEmit` (tests/test_contracts.py) type-checks it. Never run.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import {
  mvDashboardKpisRow,
  type MvAlertCandidatesRow,
  type MvDashboardKpisRow,
  type MvRevenueTrendsRow,
} from "../src/index.js";

type View<Row> = { Row: Row; Relationships: [] };

// The schema the API exposes (see docs/contracts.md, "Reading the views from a dashboard").
export type Database = {
  analytics: {
    Tables: {};
    Views: {
      mv_dashboard_kpis: View<MvDashboardKpisRow>;
      mv_revenue_trends: View<MvRevenueTrendsRow>;
      mv_alert_candidates: View<MvAlertCandidatesRow>;
    };
    Functions: {};
    Enums: {};
    CompositeTypes: {};
  };
};

export function analyticsClient(url: string, key: string): SupabaseClient<Database, "analytics"> {
  return createClient<Database, "analytics">(url, key, { db: { schema: "analytics" } });
}

// Last week's KPIs: typed by the generated row type, checked at run time by its Zod schema.
export async function lastWeekKpis(client: SupabaseClient<Database, "analytics">): Promise<MvDashboardKpisRow[]> {
  const { data, error } = await client
    .from("mv_dashboard_kpis")
    .select("*")
    .order("snapshot_date", { ascending: false })
    .limit(7);
  if (error) throw error;
  return mvDashboardKpisRow.array().parse(data);
}

export async function netRevenue(client: SupabaseClient<Database, "analytics">): Promise<number> {
  const { data, error } = await client.from("mv_revenue_trends").select("bucket_date, net_revenue");
  if (error) throw error;
  const total: number = data.reduce((sum, row) => sum + row.net_revenue, 0);
  // @ts-expect-error bucket_date is a "YYYY-MM-DD" string, not a number
  const wrong: number = data[0].bucket_date;
  return total + (wrong ? 0 : 0);
}

export function criticalAlerts(rows: MvAlertCandidatesRow[]): string[] {
  const out: string[] = [];
  for (const row of rows) {
    if (row.severity !== "critical") continue;
    // The payload is a union told apart by alert_type.
    if (row.payload.alert_type === "sla_breach") out.push(`${row.payload.priority} ticket ${row.payload.ticket_id}`);
    else if (row.payload.alert_type === "low_utilization") out.push(`${row.payload.equipment_name} idle`);
    // @ts-expect-error severity is "warning" | "critical" only
    else if (row.severity === "info") out.push("never");
  }
  return out;
}

export const kpis = (row: MvDashboardKpisRow): number | null => {
  // @ts-expect-error metrics.revenue.dod_pct may be null
  const pct: number = row.metrics.revenue.dod_pct;
  return pct ?? row.metrics.bookings.value;
};
