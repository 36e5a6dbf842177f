"""The console pages beyond the case view: the case list's filters, the agent's own
preferences (language, availability), canned replies, risk review, webhook deliveries, widget."""
