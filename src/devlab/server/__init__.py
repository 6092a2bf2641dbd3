"""The HTTP door: app factory, error shape, health, web UI."""
