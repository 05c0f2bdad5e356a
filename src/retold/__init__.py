"""retold: find rewritten news articles, trace them to their source, show what changed."""

__version__ = "0.1.0"
