"""The deterministic demo region and the demo_region command (demo logins only with DEBUG on)."""
