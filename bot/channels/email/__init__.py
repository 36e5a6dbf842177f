"""E-mail to supervisors over SMTP: alert mails worded from templates, sent by the outbox."""
