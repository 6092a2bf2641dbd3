"""The insights feed: findings of every analysis, de-duplicated, ranked, with status."""
