"""Process plumbing with no business rules: worker processes, GC pacing, iteration helpers
and job liveness (heartbeats and boot IDs)."""
