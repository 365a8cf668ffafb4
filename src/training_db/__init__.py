"""training-db: change what the FineTune Lab schema says without changing what it is."""
