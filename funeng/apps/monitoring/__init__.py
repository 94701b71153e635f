"""统计监测: indicators, plan targets with progress, reported and platform-computed values, dashboards."""
