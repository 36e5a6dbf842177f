"""Retention and erasure of customers' personal data (PIPL art. 47, PDPA art. 11)."""
