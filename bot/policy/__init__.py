"""Business rules the L1 actions decide against (return policy, FAQ, dialogue word lists)."""
