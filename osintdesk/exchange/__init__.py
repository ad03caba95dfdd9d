"""Exchange bundles: a case (or the part of it a tag selects) as one signed file that a
colleague verifies and merges. See docs/exchange.md for the design. No Qt."""
