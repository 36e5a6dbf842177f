"""Signed outgoing webhooks on case events: which endpoints want which events
(``webhooks.yml``), the stable JSON body, the ``X-Aftersales-Signature`` header, the flush hook
that queues one outbox row per endpoint and event, and the outbox sender that posts them."""
