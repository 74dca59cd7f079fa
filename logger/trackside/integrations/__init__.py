"""Integrations with ML libraries; each module imports its library only when it is imported itself."""
