"""What agents work with: the agent service (claim, reply, resolve …), authentication, case
views, reports and the Telegram agent-group topics."""
