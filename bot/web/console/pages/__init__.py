"""The workspace's pages beyond the case view: the case list's filters, the agent's own
preferences (language, availability) and the canned replies."""
