"""Where a case goes and how fast: the handoff rules, escalation ladders, priorities, business
hours and SLA due times (all read from ``training_data/handoff/*.yml``), and who is mailed."""
