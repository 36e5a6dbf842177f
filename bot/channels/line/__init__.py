"""LINE (line-bot-sdk v3): signed webhook, durable event inbox, reply/push sender."""
