"""``aftersales bench turns``: real server processes on loopback, driven by simulated web chat
customers and an agent on the REST API; prints throughput, latency, outbox delay and RSS.

customers (the scripted mix) → servers (database, processes) → driver (the load) → report;
push (``--push-probe``) measures a push sender's delay under that load.
"""
