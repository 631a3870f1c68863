"""Packs: reading a pack (folder or archive), linting it, authoring tools and a pack's own test cases."""
