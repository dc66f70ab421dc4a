"""Documents written for people: manifests, hand-over reports (no Qt)."""
