"""What a build works out across articles: echoes (the same passage in other outlets)."""
