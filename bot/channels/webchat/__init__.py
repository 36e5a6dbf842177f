"""The web chat widget's JSON/multipart API and page, guarded by conversation tokens."""
