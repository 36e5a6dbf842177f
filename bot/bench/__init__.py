"""``aftersales bench turns``: real server processes on loopback, driven by simulated web chat
customers and an agent on the REST API; prints throughput, latency, outbox delay and RSS.

customers (the scripted mix) and buyers (an order of its own per conversation) → servers
(database, processes) → driver (the load) → report; push receives the servers' webhook for each
agent reply, the push side of its delay.
"""
