"""The sessions dashboard: daily activity, cost, latency (and success rate) as charts."""
