"""Tools that try the service as people use it: generated journeys through the real app
(`forms-service test-journeys`) and axe-core in Chromium, shared with the browser tests."""
