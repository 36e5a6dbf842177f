"""The handoff desk: hand-off to a person, cases and their numbers, relay, repeat contacts,
CSAT, the warm-handoff summary, notifications and the overdue sweeper."""
